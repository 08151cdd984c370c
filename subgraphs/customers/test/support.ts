import type { ConsumedEvent, Database, DatabaseHandle } from '@ordergraph/shared';
import {
  startTestSubgraph,
  subgraphRequest,
  testLogger,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { createNotificationHandler } from '../src/consumers.js';
import type { SourceService } from '../src/notifications.js';
import type { NotificationSender } from '../src/senders.js';
import { seedDemoData } from '../src/seed.js';
import { createServer, migrationsFolder, type CustomersServer } from '../src/server.js';
import { readAs } from './events.js';

export type Request = (
  query: string,
  options?: Omit<Parameters<typeof subgraphRequest>[1], 'query'>,
) => Promise<GraphQLResponse>;

/**
 * The customers subgraph on a fresh, seeded database. `server` is what createServer returned:
 * its `consumers` and `dispatcher` are there to be awaited.
 */
export async function startCustomers(
  options: { ordersUrl?: string; shipmentsUrl?: string; sender?: NotificationSender } = {},
): Promise<{ subgraph: TestSubgraph; server: CustomersServer; request: Request }> {
  let server: CustomersServer | undefined;
  const subgraph = await startTestSubgraph({
    name: 'customers',
    migrationsFolder,
    createServer: async (base) => (server = await createServer({ ...base, ...options })),
  });
  await seedDemoData(subgraph.handle);
  const request: Request = (query, requestOptions = {}) =>
    subgraphRequest(subgraph.url, { query, ...requestOptions });
  return { subgraph, server: server!, request };
}

/** Handles producer events as the consumers do, each in a transaction of its own. */
export async function receive(
  handle: DatabaseHandle,
  source: SourceService,
  ...events: ConsumedEvent[]
): Promise<void> {
  const handler = createNotificationHandler({ source, log: testLogger('customers') });
  for (const event of events) {
    await handle.db.transaction((tx) => handler(readAs(source, event), tx as unknown as Database));
  }
}
