import { startSubgraph } from '@ordergraph/shared';
import { ordersService } from './service.js';

await startSubgraph(ordersService());
