// a subscriber process: graphql-ws connections to the router, as a mobile app opens them, in
// a process of its own (never the measured one), driven by the bench over IPC
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sameJson } from '../../load/verify.js';
import { CHANGING_STATUS, SCAN_EVENT_TYPE, wallClockMs } from './operations.js';
import type {
  CollectReply,
  FollowerReceipts,
  OpenReply,
  OpenRequest,
  Problems,
  ProgressReply,
  SubscriberReply,
  SubscriberRequest,
} from './subscriber-protocol.js';

const HANDSHAKE_TIMEOUT_MS = 30_000;

interface Follower {
  client: Client | null;
  receipts: FollowerReceipts;
  socketOpen: boolean;
}

const followers: Follower[] = [];
const problems: Problems = { failedStreams: 0, wrongUpdates: 0, first: null };
let expectedOrders: string[] = [];
let received = 0;
let closing = false;

function problem(kind: 'failedStreams' | 'wrongUpdates', text: string): void {
  problems[kind]++;
  problems.first ??= text;
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return `subscription refused: ${JSON.stringify(error).slice(0, 300)}`;
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `socket closed (${code}${reason ? `: ${reason}` : ''})`;
  }
  return String(error);
}

type Update = {
  cursor?: unknown;
  event?: { type?: unknown; occurredAt?: unknown };
  order?: { shipments?: { status?: string }[] } & Record<string, unknown>;
};

function receive(
  follower: Follower,
  result: FormattedExecutionResult<Record<string, unknown>, unknown>,
): void {
  const at = wallClockMs();
  const update = (result.data as { orderUpdated?: Update } | undefined)?.orderUpdated;
  if (result.errors?.length || !update?.order) {
    problem('wrongUpdates', `update with errors: ${JSON.stringify(result).slice(0, 400)}`);
    return;
  }
  if (update.event?.type !== SCAN_EVENT_TYPE) {
    problem('wrongUpdates', `unexpected update: ${JSON.stringify(update).slice(0, 400)}`);
    return;
  }
  const shipments = update.order.shipments ?? [];
  // the status is the one part that changes: it is matched with its scan by the bench
  const rest = {
    ...update.order,
    shipments: shipments.map((s) => ({ ...s, status: CHANGING_STATUS })),
  };
  const complete = typeof update.cursor === 'string' && typeof update.event.occurredAt === 'string';
  if (!complete || !sameJson(JSON.stringify(rest), expectedOrders[follower.receipts.orderIndex]!)) {
    problem('wrongUpdates', `wrong update: ${JSON.stringify(update).slice(0, 400)}`);
  }
  // a wrong update still arrived: it is an error, not a lost update
  follower.receipts.times.push(at);
  follower.receipts.statuses.push(shipments[0]?.status ?? '');
  follower.receipts.occurredAt.push(Date.parse(String(update.event.occurredAt)));
  received++;
}

function follow(request: OpenRequest, orderIndex: number): Promise<boolean> {
  const order = request.orders[orderIndex]!;
  const follower: Follower = {
    client: null,
    receipts: { orderIndex, times: [], statuses: [], occurredAt: [] },
    socketOpen: false,
  };
  followers.push(follower);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), HANDSHAKE_TIMEOUT_MS);
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    const client = createClient({
      url: request.url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${order.token}` },
      retryAttempts: 0,
      on: {
        opened: () => (follower.socketOpen = true),
        connected: () => settle(true),
        closed: () => {
          follower.socketOpen = false;
          settle(false);
        },
      },
    });
    follower.client = client;
    client.subscribe(
      { query: request.query, variables: { orderId: order.orderId } },
      {
        next: (result) => receive(follower, result),
        error: (error) => {
          if (!closing) problem('failedStreams', describe(error));
        },
        complete: () => {
          if (!closing) problem('failedStreams', 'the stream completed before the close');
        },
      },
    );
  });
}

async function open(request: OpenRequest): Promise<OpenReply> {
  expectedOrders = request.orders.map((order) => JSON.stringify(order.expectedOrder));
  let connected = 0;
  let next = 0;
  // a bounded number of handshakes in flight: a burst of thousands would overflow the
  // router's listen backlog, which measures the kernel, not the router
  const lane = async () => {
    while (next < request.followers.length) {
      if (await follow(request, request.followers[next++]!)) connected++;
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, lane));
  return { connected, problems };
}

async function close(): Promise<null> {
  closing = true;
  await Promise.all(followers.map((follower) => follower.client?.dispose()));
  const deadline = Date.now() + 10_000;
  while (followers.some((follower) => follower.socketOpen) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

async function handle(
  request: SubscriberRequest,
): Promise<OpenReply | ProgressReply | CollectReply | null> {
  switch (request.kind) {
    case 'open':
      return open(request);
    case 'progress':
      return { received, problems };
    case 'collect':
      return { followers: followers.map((follower) => follower.receipts), problems };
    case 'close':
      return close();
  }
}

process.on('message', ({ id, request }: { id: number; request: SubscriberRequest }) => {
  handle(request).then(
    (result) => process.send!({ id, result } satisfies SubscriberReply),
    (error: unknown) => process.send!({ id, error: String(error) } satisfies SubscriberReply),
  );
});
process.on('disconnect', () => process.exit(0));
