import { startSubgraph } from '@ordergraph/shared';
import { catalogService } from './service.js';

await startSubgraph(catalogService());
