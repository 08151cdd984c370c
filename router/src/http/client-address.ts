import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** The header a trusted proxy writes the client's address in. */
export type ClientAddressHeader = 'x-forwarded-for' | 'forwarded';

/** The address of the client a request comes from: the socket's, or one a trusted proxy gave. */
export type ClientAddress = (request: IncomingMessage) => string;

/**
 * Reads a comma-separated trusted-proxy list (addresses, CIDR ranges, and `loopback`,
 * `linklocal`, `uniquelocal`); throws naming the entry that is none of these.
 */
export function parseTrustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length > 0) proxyaddr.compile(entries);
  return entries;
}

/**
 * Resolves the client address of requests (HTTP and WebSocket upgrades alike). The forwarded
 * header is read only when the socket's peer is a trusted proxy, from the right: each hop that
 * is itself a trusted proxy passes the question on to the address it names, and the first
 * untrusted one is the client. Only `header` is read: a proxy passes the other on untouched,
 * so a client could write any address there.
 */
export function createClientAddress({
  trustedProxies,
  header = 'x-forwarded-for',
}: {
  trustedProxies: readonly string[];
  header?: ClientAddressHeader | undefined;
}): ClientAddress {
  const socketAddress = (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';
  if (trustedProxies.length === 0) return socketAddress;
  const trusted = proxyaddr.compile([...trustedProxies]);
  if (header === 'x-forwarded-for') {
    return (request) =>
      request.socket.remoteAddress === undefined ? 'unknown' : proxyaddr(request, trusted);
  }
  return (request) => {
    const hops = forwardedFor(request.headers.forwarded);
    let client = socketAddress(request);
    for (let index = hops.length - 1; index >= 0 && trusted(client, 0); index--) {
      client = hops[index]!;
    }
    return client;
  };
}

/**
 * The `for=` addresses of a `Forwarded` header (RFC 7239), in the order the proxies added them,
 * without port or brackets; an element without `for=` stands for a hop that did not say.
 */
export function forwardedFor(value: string | undefined): string[] {
  if (!value) return [];
  return splitOutsideQuotes(value, ',').map((element) => {
    for (const pair of splitOutsideQuotes(element, ';')) {
      const equals = pair.indexOf('=');
      if (equals < 0 || pair.slice(0, equals).trim().toLowerCase() !== 'for') continue;
      return nodeAddress(unquote(pair.slice(equals + 1).trim()));
    }
    return 'unknown';
  });
}

/** splits on `separator` where it is not inside a quoted string */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === '\\' && quoted) index++;
    else if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      parts.push(value.slice(start, index).trim());
      start = index + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts;
}

const unquote = (value: string) =>
  value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;

/** `"[2001:db8::1]:4711"` and `192.0.2.1:4711` to their address; obfuscated names stay as given */
function nodeAddress(node: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(node);
  if (bracketed) return bracketed[1]!;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(node);
  return withPort ? withPort[1]! : node;
}
