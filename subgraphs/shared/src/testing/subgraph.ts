import type { DatabaseHandle } from '../db.js';
import { createLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import type { SubgraphServer } from '../server.js';
import { createTestDatabase } from './database.js';
import { TEST_SIGNING_SECRET } from './graphql.js';

export interface TestSubgraph {
  url: string;
  handle: DatabaseHandle;
  stop(): Promise<void>;
}

/** A quiet logger for tests; LOG_LEVEL=debug makes it talk. */
export const testLogger = (name: string): Logger =>
  createLogger({ name, level: process.env['LOG_LEVEL'] ?? 'silent' });

/** Starts a subgraph on a fresh test database and a free port. */
export async function startTestSubgraph({
  name,
  migrationsFolder,
  createServer,
}: {
  name: string;
  migrationsFolder: string;
  createServer: (options: {
    handle: DatabaseHandle;
    signingSecret: string;
    log: Logger;
  }) => Promise<SubgraphServer>;
}): Promise<TestSubgraph> {
  const handle = await createTestDatabase({ name, migrationsFolder });
  const server = await createServer({
    handle,
    signingSecret: TEST_SIGNING_SECRET,
    log: testLogger(name),
  });
  const url = await server.listen();
  return {
    url,
    handle,
    async stop() {
      await server.stop();
      await handle.close();
    },
  };
}
