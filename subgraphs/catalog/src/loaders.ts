import { groupLoader, rowLoader } from '@ordergraph/shared';
import type { CatalogRepository } from './catalog.repository.js';

/** The per-request DataLoaders of the catalog service; SKU keys are upper-case. */
export function createLoaders(repository: CatalogRepository) {
  return {
    productById: rowLoader(
      (ids: readonly string[]) => repository.findProductsByIds(ids),
      (row) => row.id,
    ),
    variantBySku: rowLoader(
      (skus: readonly string[]) => repository.findVariantsBySkus(skus),
      (row) => row.sku,
    ),
    variantsByProductId: groupLoader(
      (ids: readonly string[]) => repository.findVariantsByProductIds(ids),
      (row) => row.productId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
