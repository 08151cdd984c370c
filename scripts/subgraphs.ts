// the five subgraphs in one process, each on its own database, port and settings: what `npm
// start` runs in development (see start.ts), so that graphql, drizzle, the shared library and
// tsx's compilation are loaded once instead of five times. Each argument gives a service its
// port: `tsx scripts/subgraphs.ts customers=4001 catalog=4002 ...`
import { startSubgraphGroup, type StartSubgraphOptions } from '@ordergraph/shared';
import { loadConfig as catalogConfig } from '../subgraphs/catalog/src/config.js';
import { catalogService } from '../subgraphs/catalog/src/service.js';
import { loadConfig as customersConfig } from '../subgraphs/customers/src/config.js';
import { customersService } from '../subgraphs/customers/src/service.js';
import { loadConfig as inventoryConfig } from '../subgraphs/inventory/src/config.js';
import { inventoryService } from '../subgraphs/inventory/src/service.js';
import { loadConfig as ordersConfig } from '../subgraphs/orders/src/config.js';
import { ordersService } from '../subgraphs/orders/src/service.js';
import { loadConfig as shipmentsConfig } from '../subgraphs/shipments/src/config.js';
import { shipmentsService } from '../subgraphs/shipments/src/service.js';

// each service reads its settings from this process's environment, with its own PORT
const SERVICES: Record<string, (env: NodeJS.ProcessEnv) => StartSubgraphOptions> = {
  customers: (env) => customersService(customersConfig(env)),
  catalog: (env) => catalogService(catalogConfig(env)),
  orders: (env) => ordersService(ordersConfig(env)),
  inventory: (env) => inventoryService(inventoryConfig(env)),
  shipments: (env) => shipmentsService(shipmentsConfig(env)),
};

try {
  const services = process.argv.slice(2).map((argument) => {
    const [, name = '', port = ''] = /^([a-z]+)=(\d+)$/.exec(argument) ?? [];
    const service = SERVICES[name];
    if (!service) {
      throw new Error(
        `${argument}: expected <service>=<port>, a service of ${Object.keys(SERVICES).join(', ')}`,
      );
    }
    return service({ ...process.env, PORT: port });
  });
  await startSubgraphGroup(services);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
