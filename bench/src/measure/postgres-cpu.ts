import { readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { cpuSeconds } from './process-stats.js';

/** PostgreSQL's CPU over a stretch of time, in seconds, split by who it worked for. */
export interface PostgresCpu {
  /** the server processes of connections to the bench's databases */
  backends: number;
  /**
   * the postmaster and its background processes (WAL writer, checkpointer, background writer,
   * autovacuum): work the bench's writes cause, shared with whatever else the server serves
   */
  background: number;
}

interface ServerProcess {
  pid: number;
  /** `backends` for a connection to a bench database, `background` for server work, null: ignore */
  kind: keyof PostgresCpu | null;
}

/** The parent pid of a process, from /proc/<pid>/stat; null when it is gone. */
function parentPid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every process whose parent is `parent`, from /proc. */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (parentPid(Number(entry)) === parent) children.push(Number(entry));
  }
  return children;
}

const cpuOrNull = (pid: number): number | null => {
  try {
    return cpuSeconds(pid);
  } catch {
    return null; // the process ended
  }
};

/**
 * Samples the CPU of the PostgreSQL server on this machine from /proc: the postmaster is the
 * parent of the server process serving our own connection, and every server process is its
 * child. Processes serving other databases (anyone else's tests on a shared server) are left
 * out; the postmaster and its background processes are counted apart from the bench's
 * connections, as they also work for those others. A process polled while it runs and then
 * gone is counted up to its last poll. Null when the server is not a process of this machine
 * that /proc lets us read (a remote server, a container, another user without permission).
 */
export async function startPostgresCpuSampling({
  url,
  databasePrefix,
  pollMs = 500,
}: {
  /** any database of the server, for pg_stat_activity */
  url: string;
  /** the bench's databases: their connections are `backends` */
  databasePrefix: string;
  /** how often the processes are read, so that one that ends is counted up to its last read */
  pollMs?: number;
}): Promise<{ finish(): Promise<PostgresCpu> } | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [own] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const ownPid = own!.pid;
    const postmaster = parentPid(ownPid);
    if (!postmaster || cpuOrNull(postmaster) === null) {
      await sql.end();
      return null;
    }
    // which process serves which database: a pid missing here is a background process
    const classify = async (): Promise<ServerProcess[]> => {
      const rows = await sql<{ pid: number; datname: string | null }[]>`
        select pid, datname from pg_stat_activity`;
      const database = new Map(rows.map((row) => [row.pid, row.datname]));
      return [postmaster, ...childrenOf(postmaster)].map((pid) => {
        if (pid === ownPid) return { pid, kind: null };
        const datname = database.get(pid);
        if (datname === undefined || datname === null) return { pid, kind: 'background' };
        return { pid, kind: datname.startsWith(databasePrefix) ? 'backends' : null };
      });
    };
    // CPU at the start, and last seen, per process
    const first = new Map<number, number>();
    const last = new Map<number, { cpu: number; kind: keyof PostgresCpu }>();
    const poll = async (initial: boolean) => {
      for (const { pid, kind } of await classify()) {
        if (!kind) continue;
        const cpu = cpuOrNull(pid);
        if (cpu === null) continue;
        if (initial) first.set(pid, cpu);
        // a process started after the first poll counts from zero
        else if (!first.has(pid) && !last.has(pid)) first.set(pid, 0);
        last.set(pid, { cpu, kind });
      }
    };
    await poll(true);
    let polling = Promise.resolve();
    const timer = setInterval(() => {
      polling = polling.then(() => poll(false)).catch(() => {});
    }, pollMs);
    return {
      async finish() {
        clearInterval(timer);
        await polling;
        await poll(false);
        await sql.end();
        const used: PostgresCpu = { backends: 0, background: 0 };
        for (const [pid, { cpu, kind }] of last) used[kind] += cpu - (first.get(pid) ?? cpu);
        return used;
      },
    };
  } catch (error) {
    await sql.end().catch(() => {});
    throw error;
  }
}
