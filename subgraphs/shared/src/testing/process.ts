import { spawn } from 'node:child_process';
import { connect } from 'node:net';

export interface ServiceProcess {
  /** every JSON log line the process has written to standard output so far */
  readonly logs: Record<string, unknown>[];
  /** resolves when the process ends, with its exit code and when it ended (Date.now()) */
  readonly exited: Promise<{ code: number | null; signal: string | null; at: number }>;
  /** sends a signal, returning when it was sent (Date.now()) */
  signal(name: NodeJS.Signals): number;
  /** kills the process if it still runs (test cleanup) */
  kill(): Promise<void>;
}

/**
 * Runs a TypeScript entry point in its own Node process, as `npm start` does (through tsx),
 * with `env` added to the environment (an undefined value removes the variable).
 */
export function startServiceProcess({
  entry,
  env,
}: {
  entry: string;
  env: Record<string, string | undefined>;
}): ServiceProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  return {
    logs,
    exited,
    signal(name) {
      child.kill(name);
      return Date.now();
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
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
