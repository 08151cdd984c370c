import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';

export interface RouterContext {
  viewer: Viewer;
  requestId: string;
  log: Logger;
  /**
   * The scopes of the caller's token (its `scope` claim); the viewer's roles are scopes too.
   * `@requiresScopes` fields are checked against both.
   */
  tokenScopes?: readonly string[];
}
