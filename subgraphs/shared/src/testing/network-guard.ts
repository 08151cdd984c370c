// A preload (`node --import tsx --import @ordergraph/shared/network-guard`) that refuses and
// records every connection a process tries to open to anything but this host: TCP and TLS
// sockets (`fetch` and `http` included, which open theirs through `net`), and host-name
// lookups. Tests and the smoke test run under it, so a library that phones home fails loudly
// instead of reaching out.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import { isIP, Socket } from 'node:net';

export interface OutboundAttempt {
  kind: 'connect' | 'lookup';
  /** the host (or address) and port the process tried to reach */
  target: string;
  pid: number;
  /** where in the process the attempt came from */
  stack: string;
}

/** where every process under the guard appends its attempts, one JSON line each */
export const NETWORK_GUARD_LOG = 'NETWORK_GUARD_LOG';

const attempts: OutboundAttempt[] = [];

/** The attempts this process has made so far (each was refused). */
export function outboundAttempts(): readonly OutboundAttempt[] {
  return attempts;
}

/** Whether a host or address names this machine: loopback, or the unspecified address. */
export function isLocalHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const mapped = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  if (isIP(mapped) === 4) return mapped.startsWith('127.') || mapped === '0.0.0.0';
  if (isIP(mapped) === 6) return mapped === '::1' || mapped === '::';
  return false;
}

function record(kind: OutboundAttempt['kind'], target: string): Error {
  const error = Object.assign(
    new Error(`network guard: ${kind} to ${target} refused (only this host may be reached)`),
    { code: 'ENETUNREACH' },
  );
  const attempt = { kind, target, pid: process.pid, stack: error.stack ?? '' };
  attempts.push(attempt);
  process.stderr.write(`${error.message}\n`);
  const logFile = process.env[NETWORK_GUARD_LOG];
  if (logFile) appendFileSync(logFile, `${JSON.stringify(attempt)}\n`);
  return error;
}

/** the host and port of `socket.connect`'s arguments, or null for a local (IPC) socket */
function destinationOf(args: unknown[]): { host: string; port: unknown } | null {
  const [first, second] = args;
  // node's own connect() passes [options, callback], sometimes wrapped in one more array
  const options = Array.isArray(first) ? first[0] : first;
  if (options && typeof options === 'object') {
    const { path, host, port } = options as { path?: string; host?: string; port?: unknown };
    if (path) return null;
    return { host: host ?? 'localhost', port };
  }
  if (typeof options === 'string' && !/^\d+$/.test(options)) return null;
  return { host: typeof second === 'string' ? second : 'localhost', port: options };
}

const originalConnect = Socket.prototype.connect;
Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]) {
  const destination = destinationOf(args);
  if (destination && !isLocalHost(destination.host)) {
    const error = record('connect', `${destination.host}:${String(destination.port)}`);
    // as a refused connection looks: asynchronous, through the socket's 'error'
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return (originalConnect as (...a: unknown[]) => Socket).apply(this, args);
} as typeof Socket.prototype.connect;

const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
  if (hostname && !isLocalHost(hostname)) {
    const error = record('lookup', hostname);
    const callback = rest.at(-1);
    if (typeof callback === 'function') process.nextTick(() => callback(error));
    return {};
  }
  return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
} as typeof dns.lookup;

const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = function guardedPromisesLookup(hostname: string, ...rest: unknown[]) {
  if (hostname && !isLocalHost(hostname)) return Promise.reject(record('lookup', hostname));
  return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
} as typeof dns.promises.lookup;

// modules importing `lookup` by name see the guarded one
syncBuiltinESMExports();

// the processes a test starts run under the guard too, whatever command line they are given
const preloads = [import.meta.resolve('tsx'), import.meta.url]
  .map((url) => `--import "${url}"`)
  .join(' ');
const nodeOptions = process.env['NODE_OPTIONS'] ?? '';
if (!nodeOptions.includes(import.meta.url)) {
  process.env['NODE_OPTIONS'] = `${nodeOptions} ${preloads}`.trim();
}
