import { startSubgraph } from '@ordergraph/shared';
import { customersService } from './service.js';

await startSubgraph(customersService());
