import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  CollectReply,
  FollowedOrder,
  OpenReply,
  Problems,
  ProgressReply,
  SubscriberReply,
  SubscriberRequest,
} from './subscriber-protocol.js';

const WORKER = fileURLToPath(new URL('./subscriber-worker.ts', import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(
  new URL('../../services/exit-with-parent.ts', import.meta.url),
);

/** The subscriber processes, each holding its share of the connections. */
export interface Subscribers {
  pids: number[];
  /** opens every connection and subscription; resolves once all handshakes are done */
  open(options: {
    url: string;
    query: string;
    orders: FollowedOrder[];
    connections: number;
    concurrency: number;
  }): Promise<OpenReply>;
  progress(): Promise<ProgressReply>;
  collect(): Promise<CollectReply>;
  /** closes every connection, then ends the processes */
  close(): Promise<void>;
}

function startWorker() {
  const child: ChildProcess = fork(WORKER, {
    execArgv: ['--import', 'tsx', '--import', EXIT_WITH_PARENT],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (reply: SubscriberReply) => void>();
  let nextId = 0;
  child.on('message', (reply: SubscriberReply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const resolve of pending.values()) resolve({ id: -1, error: 'subscriber exited' });
  });
  return {
    pid: child.pid ?? -1,
    call<T>(request: SubscriberRequest): Promise<T> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, (reply) =>
          'result' in reply ? resolve(reply.result as T) : reject(new Error(reply.error)),
        );
        child.send({ id, request });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    },
  };
}

const sumProblems = (all: Problems[]): Problems => ({
  failedStreams: all.reduce((sum, p) => sum + p.failedStreams, 0),
  wrongUpdates: all.reduce((sum, p) => sum + p.wrongUpdates, 0),
  first: all.find((p) => p.first)?.first ?? null,
});

/**
 * Starts `count` subscriber processes. Connection n follows order n mod orders and lives in
 * process n mod count, so every order's subscribers are spread over the processes.
 */
export function startSubscribers(count: number): Subscribers {
  const workers = Array.from({ length: count }, startWorker);
  const all = <T>(request: SubscriberRequest) =>
    Promise.all(workers.map((worker) => worker.call<T>(request)));
  return {
    pids: workers.map((worker) => worker.pid),
    async open({ url, query, orders, connections, concurrency }) {
      const replies = await Promise.all(
        workers.map((worker, w) => {
          const followers: number[] = [];
          for (let n = w; n < connections; n += workers.length) followers.push(n % orders.length);
          return worker.call<OpenReply>({
            kind: 'open',
            url,
            query,
            orders,
            followers,
            concurrency: Math.max(1, Math.round(concurrency / workers.length)),
          });
        }),
      );
      return {
        connected: replies.reduce((sum, reply) => sum + reply.connected, 0),
        problems: sumProblems(replies.map((reply) => reply.problems)),
      };
    },
    async progress() {
      const replies = await all<ProgressReply>({ kind: 'progress' });
      return {
        received: replies.reduce((sum, reply) => sum + reply.received, 0),
        problems: sumProblems(replies.map((reply) => reply.problems)),
      };
    },
    async collect() {
      const replies = await all<CollectReply>({ kind: 'collect' });
      return {
        followers: replies.flatMap((reply) => reply.followers),
        problems: sumProblems(replies.map((reply) => reply.problems)),
      };
    },
    async close() {
      await all<null>({ kind: 'close' }).catch(() => undefined);
      await Promise.all(workers.map((worker) => worker.stop()));
    },
  };
}
