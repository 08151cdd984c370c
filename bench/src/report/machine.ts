import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import postgres from 'postgres';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  postgres: string;
  /** the 1-minute load average as the run began: other work on the machine skews the figures */
  loadAverage: number;
  /** which cores the router, the load generators and the subgraphs ran on (cpu-pinning.ts) */
  cpuPinning?: string;
}

/** What the numbers were measured on; `loadAverage` is taken when the run began. */
export async function describeMachine(
  postgresUrl: string,
  loadAverage: number,
  cpuPinning: string,
): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const sql = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return {
      cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: row?.server_version.split(' ')[0] ?? 'unknown',
      loadAverage,
      cpuPinning,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
