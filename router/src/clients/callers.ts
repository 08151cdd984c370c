import { HttpError } from '@ordergraph/shared/http';
import type { Role, Viewer } from '@ordergraph/shared/identity';
import { hashApiKey, type ClientsFile, type OperationPolicy } from './clients-file.js';

/** The header partners send their key in (API.md, "Identity"). */
export const API_KEY_HEADER = 'x-api-key';

/** Who sent a request: the viewer the subgraphs see, and the policy its operations follow. */
export interface Caller {
  viewer: Viewer;
  /** the client name, null without an API key */
  client: string | null;
  policy: OperationPolicy;
}

export interface CallerResolver {
  /** the caller of a request from its API key (if any) and its token's viewer; 401 for unknown keys */
  identify(apiKey: string | undefined, viewer: Viewer): Caller;
}

/**
 * Maps API keys to clients by their sha256 (keys are never stored in clear). With a key and
 * no token, the client's roles make the viewer; with both, the token's user keeps their own
 * roles and the client name is added, so subgraphs see which integration acted for whom.
 */
export function createCallerResolver(file: ClientsFile): CallerResolver {
  const byHash = new Map(
    file.clients.flatMap((client) => client.apiKeys.map(({ sha256 }) => [sha256, client] as const)),
  );
  return {
    identify(apiKey, viewer) {
      if (apiKey === undefined) return { viewer, client: null, policy: file.defaultPolicy };
      const client = byHash.get(hashApiKey(apiKey));
      if (!client) throw new HttpError(401, 'UNAUTHENTICATED', 'The API key is not known.');
      const hasToken = viewer.subject !== null || viewer.roles.length > 0;
      return {
        viewer: hasToken
          ? { ...viewer, client: client.name }
          : {
              subject: null,
              roles: client.roles as Role[],
              carrierCode: client.carrierCode ?? null,
              client: client.name,
            },
        client: client.name,
        policy: client.policy,
      };
    },
  };
}
