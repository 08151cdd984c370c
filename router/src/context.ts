import type { Logger, Viewer } from '@ordergraph/shared';

export interface RouterContext {
  viewer: Viewer;
  requestId: string;
  log: Logger;
}
