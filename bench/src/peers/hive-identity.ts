import type { GatewayPlugin } from '@graphql-hive/gateway';
import { signViewer, type Viewer } from '@ordergraph/shared';
import { viewerFromAuthorization } from './jwt.js';

// how the gateway proves itself when it opens a WebSocket to a subgraph, as our router does
const GATEWAY_VIEWER: Viewer = { subject: 'router', roles: ['service'] };

/**
 * Hive Gateway's side of this graph's contract: verify the caller's JWT once per request, and
 * send each subgraph fetch with the identity headers signed. The headers travel in the
 * execution request's `extensions.headers` (as Hive's own header propagation does), so an
 * in-flight deduplication key includes them and never shares one caller's answer with another.
 * Over the WebSocket transport the same `extensions.headers` go with each subscribe message,
 * which is where the subgraphs read a subscription's viewer; the socket itself is signed in
 * `connection_init` with the gateway's own identity, passed as `extensions.connectionParams`
 * (Hive's graphql-ws executor adds those to the connection parameters of the socket it opens
 * next), signed afresh for each subscription so that a socket opened later is never refused
 * for a stale signature.
 */
export function useSignedIdentity({
  jwtSecret,
  signingSecret,
}: {
  jwtSecret: string;
  signingSecret: string;
}): GatewayPlugin<{ viewer: Viewer }> {
  const secret = new TextEncoder().encode(jwtSecret);
  return {
    async onContextBuilding({ context, extendContext }) {
      const authorization = context.request.headers.get('authorization');
      extendContext({ viewer: await viewerFromAuthorization(authorization, secret) });
    },
    onSubgraphExecute({ executionRequest }) {
      const viewer = (executionRequest.context as { viewer?: Viewer } | undefined)?.viewer;
      if (!viewer) return;
      const extensions = (executionRequest.extensions ||= {});
      extensions['headers'] = {
        ...(extensions['headers'] as Record<string, string> | undefined),
        ...signViewer(viewer, { secret: signingSecret }),
      };
      if (executionRequest.operationType === 'subscription') {
        extensions['connectionParams'] = signViewer(GATEWAY_VIEWER, { secret: signingSecret });
      }
    },
  };
}
