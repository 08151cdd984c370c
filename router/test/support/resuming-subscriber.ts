import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const FOLLOW_ORDER = `subscription Follow($orderId: ID!, $after: String) {
  orderUpdated(orderId: $orderId, after: $after) { cursor event { type } order { status } } }`;

/**
 * A mobile app following one order over graphql-ws: whenever its socket ends (its router died
 * or drained), it connects again, through the load balancer, to whichever router answers and
 * resumes after the last cursor it received.
 */
export interface ResumingSubscriber {
  readonly orderId: string;
  /** the cursor of every update received, in order of arrival */
  readonly cursors: string[];
  /** times the subscription was opened again after its socket ended */
  readonly resumptions: number;
  stop(): Promise<void>;
}

export function followOrder({
  url,
  token,
  orderId,
  after,
}: {
  url: string;
  token: string;
  orderId: string;
  /** the cursor to start after */
  after: string;
}): ResumingSubscriber {
  const cursors: string[] = [];
  let resumptions = 0;
  let stopped = false;
  let client: Client | null = null;

  const open = (): void => {
    if (stopped) return;
    client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
      onNonLazyError: () => {},
    });
    const current = client;
    const reopen = () => {
      void current.dispose();
      if (stopped) return;
      resumptions++;
      setTimeout(open, 100);
    };
    current.subscribe<{ orderUpdated: { cursor: string } }>(
      { query: FOLLOW_ORDER, variables: { orderId, after: cursors.at(-1) ?? after } },
      {
        next: (result) => {
          const cursor = result.data?.orderUpdated.cursor;
          // an error result (the router shutting down, a subgraph being replaced) ends the
          // stream: the next subscription resumes after the last update received
          if (cursor) cursors.push(cursor);
        },
        error: reopen,
        complete: reopen,
      },
    );
  };
  open();

  return {
    orderId,
    cursors,
    get resumptions() {
      return resumptions;
    },
    async stop() {
      stopped = true;
      await client?.dispose();
    },
  };
}
