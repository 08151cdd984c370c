import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Which cores each part of a run may use. Kept apart, a router's figures measure the router:
 * sharing cores, its throughput is bounded by whatever else the machine is busy with (the
 * subgraphs, the load generator), and the ratios between peers shrink toward 1.
 */
export interface CpuPlan {
  /** every peer router; they take turns, so under load only one runs at a time */
  router: number[];
  /** the bench itself and the load generators it forks (requests, subscribers, carrier scans) */
  load: number[];
  /** the five subgraphs (PostgreSQL is the machine's own service and is not pinned) */
  subgraphs: number[];
}

/** a core for the router, one for the load, and at least two for the five subgraphs */
export const MIN_CPUS_TO_PIN = 4;

/** `0-3,8,10-11` (the kernel's and taskset's cpu list) as core numbers. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new Error(`not a cpu list: ${text}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** Core numbers as a cpu list, runs folded into ranges: `0-3,8`. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++;
    ranges.push(start === end ? `${sorted[start]}` : `${sorted[start]}-${sorted[end]}`);
    start = end + 1;
  }
  return ranges.join(',');
}

/** The cores a process may run on (its affinity), read from /proc; empty where there is none. */
export function allowedCpus(pid: number | 'self' = 'self'): number[] {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
    return list ? parseCpuList(list) : [];
  } catch {
    return [];
  }
}

/**
 * Splits the cores: the first for the router, about a quarter of the rest for the load
 * generators, the others for the subgraphs. Null below MIN_CPUS_TO_PIN cores: there, pinning
 * would leave the five subgraphs a single core and measure that core instead.
 */
export function planCpus(cpus: readonly number[]): CpuPlan | null {
  if (cpus.length < MIN_CPUS_TO_PIN) return null;
  const [router, ...rest] = cpus;
  const loadCount = Math.max(1, Math.floor(rest.length / 4));
  return {
    router: [router!],
    load: rest.slice(0, loadCount),
    subgraphs: rest.slice(loadCount),
  };
}

/** Whether taskset (util-linux) is there to pin with. */
export function canPin(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Restricts a running process, every thread it has, to `cpus`. Threads and processes it starts
 * later inherit the restriction.
 */
export function pinProcess(pid: number, cpus: readonly number[]): void {
  execFileSync(
    'taskset',
    ['--all-tasks', '--pid', '--cpu-list', formatCpuList(cpus), String(pid)],
    {
      stdio: 'ignore',
    },
  );
}

/** The plan in a sentence, for the log and the results. */
export function describeCpuPlan(plan: CpuPlan | null, why?: string): string {
  if (!plan) return `not pinned${why ? ` (${why})` : ''}: everything shares the cores`;
  return (
    `router on CPU ${formatCpuList(plan.router)}, load generators on CPU ${formatCpuList(plan.load)}, ` +
    `subgraphs on CPU ${formatCpuList(plan.subgraphs)}; PostgreSQL not pinned`
  );
}

export interface Pinning {
  plan: CpuPlan | null;
  /** describeCpuPlan's sentence, with why nothing is pinned when it is not */
  description: string;
}

/** `--pin auto`: pins when there are enough cores and taskset is there; `--pin off` never. */
export function choosePinning(mode: 'auto' | 'off', cpus = allowedCpus()): Pinning {
  if (mode === 'off') return { plan: null, description: describeCpuPlan(null, '--pin off') };
  const plan = planCpus(cpus);
  if (!plan) {
    const why = `${cpus.length} cores; ${MIN_CPUS_TO_PIN} are needed to keep the router apart`;
    return { plan: null, description: describeCpuPlan(null, why) };
  }
  if (!canPin()) return { plan: null, description: describeCpuPlan(null, 'taskset not found') };
  return { plan, description: describeCpuPlan(plan) };
}
