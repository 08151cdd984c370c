import { startSubgraph } from '@ordergraph/shared';
import { shipmentsService } from './service.js';

await startSubgraph(shipmentsService());
