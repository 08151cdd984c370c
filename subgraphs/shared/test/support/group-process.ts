// A process running two subgraphs with startSubgraphGroup, as scripts/subgraphs.ts runs the five:
// ports from FIRST_PORT and SECOND_PORT, their databases under DATA_DIR.
import { startSubgraphGroup } from '../../src/index.js';
import { groupService } from './group-services.js';

const env = process.env;
try {
  await startSubgraphGroup([
    groupService({
      name: 'first',
      port: Number(env['FIRST_PORT']),
      dataDir: env['DATA_DIR']!,
      logLevel: 'info',
    }),
    groupService({
      name: 'second',
      port: Number(env['SECOND_PORT']),
      dataDir: env['DATA_DIR']!,
      logLevel: 'info',
    }),
  ]);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
