import { randomUUID } from 'node:crypto';
import { type DatabaseHandle, transaction } from '@ordergraph/shared';
import {
  startTestSubgraph,
  subgraphRequest,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import type { OrderRow } from '../src/db/schema.js';
import { createOrdersRepository, type PlacedOrder } from '../src/orders.repository.js';
import type { PricedLine } from '../src/placing/pricing.js';
import { createServer, migrationsFolder } from '../src/server.js';

export const ADA = '00000000-0000-4000-8000-000000000001';
export const GRACE = '00000000-0000-4000-8000-000000000002';

export type Request = (
  query: string,
  options?: Omit<Parameters<typeof subgraphRequest>[1], 'query'>,
) => Promise<GraphQLResponse>;

/** An orders subgraph on a fresh database (catalog and inventory are not needed to read). */
export async function startOrders(): Promise<{ subgraph: TestSubgraph; request: Request }> {
  const subgraph = await startTestSubgraph({ name: 'orders', migrationsFolder, createServer });
  const request: Request = (query, options = {}) =>
    subgraphRequest(subgraph.url, { query, ...options });
  return { subgraph, request };
}

export const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  line2: null,
  city: 'London',
  region: null,
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** A placed order as the saga would write it: one warehouse, 5.00 shipping, no tax. */
export function placedOrder({
  customerId = ADA,
  lines = [{ sku: 'TEE-CLASSIC-BLK-M', quantity: 2, unitPrice: 2500 }],
  warehouseId = 'wh-1',
  currency = 'USD',
}: {
  customerId?: string;
  lines?: Omit<PricedLine, 'total'>[];
  warehouseId?: string;
  currency?: string;
} = {}): PlacedOrder {
  const priced = lines.map((line) => ({ ...line, total: line.unitPrice * line.quantity }));
  const subtotal = priced.reduce((sum, line) => sum + line.total, 0);
  return {
    id: randomUUID(),
    customerId,
    priced: {
      currency,
      lines: priced,
      subtotal,
      discountTotal: 0,
      shippingTotal: 500,
      taxTotal: 0,
      total: subtotal + 500,
      promoCode: null,
    },
    shippingAddress: ADDRESS,
    payment: { provider: 'test', authorizationId: `auth_${randomUUID()}` },
    allocations: lines.map(({ sku, quantity }) => ({ sku, warehouseId, quantity })),
    actor: { kind: 'CUSTOMER', id: customerId, name: null },
  };
}

/** Writes an order through the repository, in one transaction as the saga does. */
export function insertOrder(
  handle: DatabaseHandle,
  placed: PlacedOrder = placedOrder(),
): Promise<OrderRow> {
  return transaction(handle.db, (tx) =>
    createOrdersRepository({ db: tx }).insertPlacedOrder(placed),
  );
}
