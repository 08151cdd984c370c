// npm run measure:embedded: how long `npm start` (the embedded default, no configuration) takes
// to say "ordergraph is running", and the resident memory of all its processes then; once on a
// fresh data directory with tsx's cache off (as on a fresh clone), once more on the same data
// directory with the cache (a second start). Uses the default ports 4000-4005.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared';

const PORTS = [4000, 4001, 4002, 4003, 4004, 4005];
// after "running": the services settle (the demo orders' events are consumed) before RSS is read
const SETTLE_MS = 3_000;

const portInUse = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const all: number[] = [];
  const visit = (id: number) => {
    for (const child of children.get(id) ?? []) {
      all.push(child);
      visit(child);
    }
  };
  visit(pid);
  return all;
}

/** A process's resident memory and what it runs, from /proc. */
function describe(pid: number): { rssMb: number; command: string } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // the script it runs, not the arguments after it (the subgraphs' ports)
    const script = command.find((arg) => /\.[cm]?[jt]s$/.test(arg)) ?? command.at(-1) ?? '';
    return { rssMb: rssKb / 1024, command: script };
  } catch {
    return null;
  }
}

interface StartFigures {
  secondsToRunning: number;
  totalRssMb: number;
  processes: { rssMb: number; command: string }[];
}

async function measureStart(dataDir: string, { coldTsx }: { coldTsx: boolean }) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'AUTH_JWT_SECRET', 'NODE_ENV'])
    delete env[name];
  if (coldTsx) env['TSX_DISABLE_CACHE'] = '1';
  const began = performance.now();
  const start: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => start.once('exit', () => resolve()));
  try {
    const secondsToRunning = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no start in 5 minutes:\n${output}`)),
        300_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ordergraph is running')) {
          clearTimeout(timer);
          resolve((performance.now() - began) / 1000);
        }
      };
      start.stdout!.on('data', onData);
      start.stderr!.on('data', onData);
      start.once('exit', (code) => reject(new Error(`start exited with ${code}:\n${output}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const processes = [start.pid!, ...descendants(start.pid!)]
      .map(describe)
      .filter((p): p is NonNullable<typeof p> => p !== null);
    const totalRssMb = processes.reduce((sum, p) => sum + p.rssMb, 0);
    return { secondsToRunning, totalRssMb, processes } satisfies StartFigures;
  } finally {
    start.kill('SIGTERM');
    await exited;
  }
}

function print(label: string, figures: StartFigures): void {
  console.log(
    `${label}: running after ${figures.secondsToRunning.toFixed(1)} s, ` +
      `${figures.totalRssMb.toFixed(0)} MB resident in ${figures.processes.length} processes`,
  );
  for (const p of figures.processes) {
    console.log(`  ${p.rssMb.toFixed(0).padStart(6)} MB  ${p.command.replace(PROJECT_ROOT, '.')}`);
  }
}

const busy = (await Promise.all(PORTS.map(portInUse))).some(Boolean);
if (busy) {
  console.error('a port of 4000-4005 is in use: stop what runs there first');
  process.exit(1);
}
const dataDir = mkdtempSync(join(tmpdir(), 'ordergraph-embedded-'));
try {
  print('fresh data directory, tsx cache off', await measureStart(dataDir, { coldTsx: true }));
  print('second start, same data directory', await measureStart(dataDir, { coldTsx: false }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
