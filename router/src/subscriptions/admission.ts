import { HeaderMap } from '@apollo/server';
import type { Viewer } from '@ordergraph/shared/identity';
import { API_KEY_HEADER } from '../clients/callers.js';
import type { OperationPipeline } from '../persisted/pipeline.js';
import type { OperationRequest } from './service.js';

/** An operation of a streaming transport as the client sent it. */
export interface StreamParams extends OperationRequest {
  extensions?: Record<string, unknown> | null | undefined;
}

export interface StreamAdmission {
  /**
   * The viewer of a connection: the API key's client (its roles without a token), or the
   * token's viewer. Throws HttpError 401 UNAUTHENTICATED for an unknown key.
   */
  identify(apiKey: string | undefined, viewer: Viewer): Viewer;
  /**
   * The operation the caller's policy lets it run (a manifest operation by its text), and the
   * viewer it runs as. Throws HttpError: QUERY_NOT_IN_SAFELIST, PERSISTED_QUERY_NOT_IN_LIST,
   * UNAUTHENTICATED.
   */
  admit(
    apiKey: string | undefined,
    viewer: Viewer,
    params: StreamParams,
  ): { viewer: Viewer; request: OperationRequest };
}

/**
 * The same API keys and operation policies for WebSocket and SSE operations as for HTTP: every
 * operation goes through the operation pipeline's `admit`, as a POST would (refusals are
 * counted per client there too).
 */
export function createStreamAdmission(
  operations: Pick<OperationPipeline, 'admit'>,
): StreamAdmission {
  const admit = (apiKey: string | undefined, viewer: Viewer, body: unknown) =>
    operations.admit({
      method: 'POST',
      headers: new HeaderMap(apiKey === undefined ? [] : [[API_KEY_HEADER, apiKey]]),
      viewer,
      body,
      search: '',
    });
  return {
    // no body: nothing to check against a policy, only who is calling
    identify: (apiKey, viewer) => admit(apiKey, viewer, undefined).caller.viewer,
    admit(apiKey, viewer, params) {
      const { caller, request } = admit(apiKey, viewer, params);
      return { viewer: caller.viewer, request: request.body as OperationRequest };
    },
  };
}
