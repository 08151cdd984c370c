import type { Dataset } from '../../data/model.js';
import type { Subgraph } from '../../data/seed.js';

/** One request the load rotates through, with the exact response it must get. */
export interface LoadRequest {
  /** the JSON request body */
  body: string;
  headers: Record<string, string>;
  /** the whole expected response body, as JSON */
  expected: string;
}

export interface OperationContext {
  dataset: Dataset;
  /** a customer's bearer token */
  customerToken(customerId: string): Promise<string>;
}

/** One operation of the mix: its requests with their answers, and an optional check after. */
export interface Operation {
  name: string;
  description: string;
  requests(context: OperationContext): Promise<LoadRequest[]>;
  /** in each body, replaced per request by a value never sent before (idempotency keys) */
  uniquePlaceholder?: string;
  /**
   * checks in the databases what the load did, given the prefix of its unique values and how
   * many requests succeeded; resolves to a problem, or null
   */
  spotCheck?(options: {
    databaseUrls: Record<Subgraph, string>;
    uniquePrefix: string;
    successes: number;
  }): Promise<string | null>;
}

export const money = (minorUnits: number) => ({
  amount: (minorUnits / 100).toFixed(2),
  currencyCode: 'USD',
});

export const jsonBody = (query: string, variables: Record<string, unknown>) =>
  JSON.stringify({ query, variables });

export const JSON_HEADERS = { 'content-type': 'application/json' };

export const withToken = (token: string) => ({ ...JSON_HEADERS, authorization: `Bearer ${token}` });

/** `count` items spread evenly over `items` */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]!);
}
