// applies a subgraph's migrations without starting it: `npm run db:migrate` (per subgraph)
import { isAbsolute, join } from 'node:path';
import { openDatabase } from './db.js';
import { PROJECT_ROOT } from './paths.js';
import { readSubgraphConfig } from './subgraph-config.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: migrate-cli <subgraph>');
  process.exit(2);
}
const config = readSubgraphConfig({ name, defaultPort: 0 });
const dataRoot = isAbsolute(config.dataDir) ? config.dataDir : join(PROJECT_ROOT, config.dataDir);
const handle = await openDatabase({
  url: config.databaseUrl,
  dataDir: config.databaseUrl ? undefined : join(dataRoot, name),
  migrationsFolder: join(PROJECT_ROOT, 'subgraphs', name, 'drizzle'),
});
await handle.close();
console.log(`${name}: migrations applied (${handle.kind})`);
