import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

// clock ticks per second of /proc/<pid>/stat's times; 100 on practically every Linux
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may hold spaces: fields are counted after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return (user + system) / TICKS;
}

/** Resets the process's peak resident set size, so VmHWM covers what comes next only. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false; // not permitted: the peak then covers the process's whole life
  }
}

/** Peak resident set size (VmHWM) in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return Number(kilobytes ?? 0) * 1024;
}

/** Measures one process over a stretch of time: CPU used (100 = one core busy) and peak RSS. */
export function startProcessSampling(pid: number) {
  const startCpu = cpuSeconds(pid);
  const startedAt = performance.now();
  resetPeakRss(pid);
  return {
    finish() {
      const seconds = (performance.now() - startedAt) / 1000;
      const used = cpuSeconds(pid) - startCpu;
      return {
        cpuSeconds: used,
        cpuPercent: (used / seconds) * 100,
        peakRssBytes: peakRssBytes(pid),
      };
    },
  };
}

/** Resident set size (VmRSS) in bytes, now. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return Number(kilobytes ?? 0) * 1024;
}
