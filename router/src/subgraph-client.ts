import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A subgraph's answer to one POST, its body read whole. */
export interface SubgraphHttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A fetch that got no complete answer in time (the client's `timeoutMs`). */
export class SubgraphTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'SubgraphTimeoutError';
  }
}

export interface PostOptions {
  /**
   * sends the request again when a pooled connection turns out to be closed before any answer
   * came; only for requests that change nothing (queries): a mutation might have arrived
   */
  retryOnStaleConnection?: boolean;
}

export interface SubgraphClient {
  /** POSTs `body` and reads the answer; rejects with SubgraphTimeoutError after `timeoutMs` */
  post(
    url: URL,
    body: string,
    headers: Record<string, string>,
    options?: PostOptions,
  ): Promise<SubgraphHttpResponse>;
  /** closes the idle pooled connections */
  close(): void;
}

/**
 * How long a pooled connection may stay idle. It also makes node's agent honour the server's
 * `Keep-Alive: timeout=N` (closing a second before it): without an agent timeout the hint is
 * ignored and idle connections are kept until the server closes them, sometimes just as a
 * request is written to one ("socket hang up", ECONNRESET).
 */
const IDLE_TIMEOUT_MS = 30_000;

/** attempts for a query whose pooled connections keep turning out closed */
const MAX_ATTEMPTS = 3;

/**
 * The router's HTTP client to its subgraphs: node's own http module over keep-alive pools, one
 * per scheme, so a fetch reuses an idle connection instead of opening one, and goes through no
 * generic fetch layers (request/response objects, caching, retries) the router does not use.
 */
export function createSubgraphClient({ timeoutMs }: { timeoutMs: number }): SubgraphClient {
  // LIFO: the most recently used connections stay warm, the rest time out when load drops
  const agentOptions = { keepAlive: true, scheduling: 'lifo', timeout: IDLE_TIMEOUT_MS } as const;
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);

  /** one exchange; `stale` is set when a reused connection failed before any answer */
  const attempt = (
    url: URL,
    body: string,
    headers: Record<string, string>,
    settle: (error: Error | null, response?: SubgraphHttpResponse, stale?: boolean) => void,
  ): ClientRequest => {
    const secure = url.protocol === 'https:';
    let answered = false;
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: secure ? https : http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        answered = true;
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', (error) => settle(error));
        response.on('aborted', () => settle(new Error('the subgraph closed the connection')));
        response.on('end', () =>
          settle(null, {
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body: text,
          }),
        );
      },
    );
    request.on('error', (error) => settle(error, undefined, request.reusedSocket && !answered));
    request.end(body);
    return request;
  };

  return {
    post(url, body, headers, { retryOnStaleConnection = false } = {}) {
      return new Promise((resolve, reject) => {
        let settled = false;
        let attempts = 0;
        let current: ClientRequest;
        const settle = (error: Error | null, response?: SubgraphHttpResponse, stale = false) => {
          if (settled) return;
          if (error && stale && retryOnStaleConnection && attempts < MAX_ATTEMPTS) {
            // the agent has dropped that connection: the next attempt takes another or a new one
            start();
            return;
          }
          settled = true;
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(response!);
        };
        const start = () => {
          attempts++;
          current = attempt(url, body, headers, settle);
        };
        // the whole exchange, retries, connection and body included, is bounded
        const timer = setTimeout(() => {
          const error = new SubgraphTimeoutError(timeoutMs);
          settle(error);
          current.destroy(error);
        }, timeoutMs);
        start();
      });
    },
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
