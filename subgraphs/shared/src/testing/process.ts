import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './subgraph.js';
import { waitUntil } from './subscriptions.js';

export interface ServiceProcess {
  /** the process id, to find what the process forked */
  readonly pid: number;
  /** every JSON log line the process has written to standard output so far */
  readonly logs: Record<string, unknown>[];
  /** resolves when the process ends, with its exit code and when it ended (Date.now()) */
  readonly exited: Promise<{ code: number | null; signal: string | null; at: number }>;
  /** sends a signal, returning when it was sent (Date.now()) */
  signal(name: NodeJS.Signals): number;
  /**
   * Fails unless the process exits with `code` less than `withinMs` after the last signal it was
   * sent (or after this call, if none was).
   */
  assertExits(options: { code: number; withinMs: number }): Promise<void>;
  /** kills the process if it still runs (test cleanup) */
  kill(): Promise<void>;
}

/** A service process given a port of its own, and what a test asks of that port. */
export interface ListeningServiceProcess extends ServiceProcess {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** waits until GET /ready answers 2xx (the first start compiles through tsx: it takes time) */
  waitUntilReady(options?: { timeoutMs?: number; what?: string }): Promise<void>;
  /** waits until a new connection to the port is refused */
  waitUntilRefusing(): Promise<void>;
}

export interface ServiceProcessOptions {
  /** the TypeScript file to run */
  entry: string;
  /** added to this process's environment; an undefined value removes the variable */
  env: Record<string, string | undefined>;
}

/** Runs a TypeScript entry point in its own Node process, as `npm start` does (through tsx). */
export function startServiceProcess({ entry, env }: ServiceProcessOptions): ServiceProcess {
  // the process (and whatever it forks) ends itself should this test process die first
  const exitWithTest = `--import "${import.meta.resolve('./exit-with-test.mjs')}"`;
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    TEST_PROCESS_PID: String(process.pid),
    NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} ${exitWithTest}`.trim(),
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // spawning this very node binary only fails when the machine is out of processes
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  const pid = child.pid;
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  // what the process says on standard error shows when LOG_LEVEL asks for it
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (process.env['LOG_LEVEL'] && process.env['LOG_LEVEL'] !== 'silent') {
      process.stderr.write(chunk);
    }
  });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let signalledAt: number | undefined;
  return {
    pid,
    logs,
    exited,
    signal(name) {
      child.kill(name);
      signalledAt = Date.now();
      return signalledAt;
    },
    async assertExits({ code, withinMs }) {
      const since = signalledAt ?? Date.now();
      const after = signalledAt === undefined ? 'the wait began' : 'the signal';
      // a process that hangs fails at its deadline, not at the test runner's timeout
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), since + withinMs - Date.now());
      });
      const exit = await Promise.race([exited, deadline]);
      clearTimeout(timer);
      assert.ok(exit, `still running ${withinMs} ms after ${after}`);
      assert.equal(exit.code, code);
      assert.ok(exit.at - since < withinMs, `exited ${exit.at - since} ms after ${after}`);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * startServiceProcess on a free port of this host, passed to the process as PORT; `env` sets
 * the rest (HOST included, for services that listen on every interface by default).
 */
export async function startServiceOnFreePort({
  entry,
  env,
}: ServiceProcessOptions): Promise<ListeningServiceProcess> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const service = startServiceProcess({ entry, env: { ...env, PORT: String(port) } });
  return {
    ...service,
    port,
    origin,
    waitUntilReady: ({ timeoutMs = 60_000, what = 'the service process to be ready' } = {}) =>
      waitUntil(
        () =>
          fetch(`${origin}/ready`).then(
            (response) => response.ok,
            () => false,
          ),
        { timeoutMs, what },
      ),
    waitUntilRefusing: () =>
      waitUntil(async () => (await connectionOutcome(port)) === 'refused', {
        what: 'new connections to be refused',
      }),
  };
}

/** Whether a new TCP connection to `port` on this host is accepted or refused right now. */
export function connectionOutcome(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', () => resolve('refused'));
  });
}
