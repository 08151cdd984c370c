// what the bench and its subscriber processes say to each other over IPC

/** An order the subscribers follow: its id, its customer's token, what updates must show. */
export interface FollowedOrder {
  orderId: string;
  token: string;
  expectedOrder: Record<string, unknown>;
}

/** Opens one graphql-ws connection per follower, each subscribed to its order. */
export interface OpenRequest {
  kind: 'open';
  /** the router's ws:// GraphQL endpoint */
  url: string;
  query: string;
  orders: FollowedOrder[];
  /** each follower's index in `orders` */
  followers: number[];
  /** WebSocket handshakes in flight at once */
  concurrency: number;
}

export type SubscriberRequest =
  OpenRequest | { kind: 'progress' } | { kind: 'collect' } | { kind: 'close' };

/** The subscriptions' failures so far: refused or broken connections, errors, wrong updates. */
export interface Problems {
  /** connections that failed, or streams that ended or errored before the close */
  failedStreams: number;
  /** updates with errors, another event type, or an order unlike the expected one */
  wrongUpdates: number;
  /** the first of them, for the report */
  first: string | null;
}

export interface OpenReply {
  /** connections the router acknowledged (connection_ack), the subscription then sent */
  connected: number;
  problems: Problems;
}

export interface ProgressReply {
  /** scan updates received so far, over every follower */
  received: number;
  problems: Problems;
}

/** What one follower received, per scan update: when, the shipment status, the entry's time. */
export interface FollowerReceipts {
  orderIndex: number;
  /** wall-clock arrival times */
  times: number[];
  statuses: string[];
  /** each timeline entry's `occurredAt` (the orders service's transaction), in ms */
  occurredAt: number[];
}

export interface CollectReply {
  followers: FollowerReceipts[];
  problems: Problems;
}

export type SubscriberReply =
  | { id: number; result: OpenReply | ProgressReply | CollectReply | null }
  | { id: number; error: string };
