import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SubgraphProxy {
  url: string;
  /** the request bodies received so far */
  readonly bodies: string[];
  /** stops listening and drops the connections it holds */
  stop(): Promise<void>;
}

async function listen(server: Server, bodies: string[]): Promise<SubgraphProxy> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    bodies,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A subgraph that accepts every request and never answers. */
export function hangingSubgraph(): Promise<SubgraphProxy> {
  const bodies: string[] = [];
  return listen(
    createServer((request) => void readBody(request).then((body) => bodies.push(body))),
    bodies,
  );
}

/** Passes every request on to the subgraph at `target` after `delayMs`, and its answer back. */
export function slowSubgraph(target: string, delayMs: number): Promise<SubgraphProxy> {
  const bodies: string[] = [];
  return listen(
    createServer((request, response) => {
      void readBody(request).then((body) => {
        bodies.push(body);
        setTimeout(() => {
          const headers = Object.entries(request.headers).filter(
            (entry): entry is [string, string] =>
              typeof entry[1] === 'string' && !['host', 'content-length'].includes(entry[0]),
          );
          fetch(target, { method: 'POST', headers, body })
            .then(async (answer) => {
              response.writeHead(answer.status, {
                'content-type': answer.headers.get('content-type') ?? 'application/json',
              });
              response.end(await answer.text());
            })
            .catch(() => response.destroy());
        }, delayMs);
      });
    }),
    bodies,
  );
}
