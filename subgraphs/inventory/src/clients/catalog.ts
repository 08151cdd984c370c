import { createServiceClient } from '@ordergraph/shared';

/** What the inventory needs from the catalog, the owner of the SKUs. */
export interface CatalogClient {
  /** the subset of `skus` that are product variants in the catalog */
  findKnownSkus(skus: readonly string[]): Promise<Set<string>>;
}

/** Asks the catalog subgraph, with one aliased `variant(sku:)` query for all SKUs. */
export function createCatalogClient({
  url,
  signingSecret,
  timeoutMs,
}: {
  url: string;
  signingSecret: string;
  timeoutMs?: number;
}): CatalogClient {
  const client = createServiceClient({
    service: 'inventory',
    url,
    signingSecret,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return {
    async findKnownSkus(skus) {
      const unique = [...new Set(skus)];
      if (unique.length === 0) return new Set();
      const variables = Object.fromEntries(unique.map((sku, index) => [`s${index}`, sku]));
      const query = `query KnownSkus(${unique.map((_, index) => `$s${index}: ID!`).join(', ')}) {
        ${unique.map((_, index) => `v${index}: variant(sku: $s${index}) { sku }`).join('\n')}
      }`;
      const data = await client.request<Record<string, { sku: string } | null>>({
        query,
        variables,
      });
      return new Set(
        Object.values(data)
          .filter((variant): variant is { sku: string } => variant !== null)
          .map((variant) => variant.sku),
      );
    },
  };
}
