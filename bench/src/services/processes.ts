import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { pinProcess } from './cpu-pinning.js';

const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url));
// every service and peer refuses (and logs) any connection beyond this machine
const NETWORK_GUARD = '@ordergraph/shared/network-guard';

export interface ServiceProcess {
  name: string;
  pid: number;
  logFile: string;
  /** stops the process: SIGTERM, then SIGKILL when it does not exit in time */
  stop(): Promise<void>;
  /** resolves when the process exits by itself */
  exited: Promise<number | null>;
}

const running = new Set<ServiceProcess>();

/**
 * Starts `node --import tsx [preloads] entry` from the project root, its output in a log file.
 * One node process per service, so its pid is the one whose CPU and memory are sampled. It
 * stops by itself should the bench die without stopping it.
 */
export function startProcess({
  name,
  entry,
  env,
  logDir,
  preload = [],
  cpus,
}: {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  preload?: string[];
  /** the cores it may run on (see cpu-pinning.ts); anywhere when not given */
  cpus?: readonly number[] | undefined;
}): ServiceProcess {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const preloads = [EXIT_WITH_PARENT, NETWORK_GUARD, ...preload];
  const args = [
    ...profileArgs(),
    '--import',
    'tsx',
    ...preloads.flatMap((file) => ['--import', file]),
    entry,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // pinned before it has read its first module: all it does runs on those cores
  if (cpus && child.pid) pinProcess(child.pid, cpus);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(service);
      resolve(code);
    }),
  );
  const service: ServiceProcess = {
    name,
    pid: child.pid ?? -1,
    logFile,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    },
  };
  running.add(service);
  return service;
}

/** Stops every process this run started that is still running. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((service) => service.stop()));
}

/** Polls `check` until it resolves true; fails naming the service and its log when it does not. */
export async function waitUntil({
  service,
  check,
  timeoutMs = 60_000,
}: {
  service: ServiceProcess;
  check: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${service.name} exited (${exitCode}) while starting; see ${service.logFile}`,
      );
    }
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} did not become ready in time; see ${service.logFile}`);
}

/**
 * BENCH_CPU_PROF_DIR=<dir> runs every service with `--cpu-prof` into that folder, to find where
 * the time goes (node refuses --cpu-prof in NODE_OPTIONS). A profile is written when the
 * process exits on its own, as each service does on SIGTERM. BENCH_TRACE_GC=1 logs each
 * service's garbage collections (`--trace-gc`), to see whether pauses explain a latency tail.
 */
function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  const gc = process.env.BENCH_TRACE_GC ? ['--trace-gc'] : [];
  return dir ? [...gc, '--cpu-prof', `--cpu-prof-dir=${dir}`] : gc;
}
