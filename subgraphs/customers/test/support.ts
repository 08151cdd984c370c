import { type ConsumedEvent, type DatabaseHandle, transaction } from '@ordergraph/shared';
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
    await transaction(handle.db, (tx) => handler(readAs(source, event), tx));
  }
}

interface QueryLogger {
  logQuery(query: string, params: unknown[]): void;
}

/**
 * The text of every statement `handle` sends from now until `stop`, the lease's own
 * statements left out (renewals run on a clock, whatever the work): drizzle hands each statement
 * to the logger the handle was opened with, shared by its transactions too.
 */
export function recordStatements(handle: DatabaseHandle): { texts: string[]; stop(): void } {
  const logger = (handle.db as unknown as { session: { logger: QueryLogger } }).session.logger;
  const original = logger.logQuery;
  const texts: string[] = [];
  logger.logQuery = function (this: QueryLogger, query, params) {
    if (!/\bleases\b/.test(query) || /\bnotifications\b/.test(query)) texts.push(query);
    return original.call(this, query, params);
  };
  return { texts, stop: () => (logger.logQuery = original) };
}
