import { startSubgraph } from '@ordergraph/shared';
import { inventoryService } from './service.js';

await startSubgraph(inventoryService());
