import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createSubgraphClient } from '../src/subgraph-client.js';

// the router's pooled client against real HTTP servers that misbehave the way servers do

const servers: Server[] = [];
after(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));

async function serve(
  handle: (request: IncomingMessage, response: ServerResponse, nth: number) => void,
  { keepAliveTimeout = 5_000 } = {},
) {
  let requests = 0;
  const sockets: Socket[] = [];
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => handle(request, response, requests));
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on('connection', (socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/graphql`),
    requests: () => requests,
    sockets,
  };
}

const answer = (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"data":{"ok":true}}');
};
const BODY = '{"query":"{ ok }"}';
const HEADERS = { 'content-type': 'application/json' };

describe('the subgraph client', () => {
  it("keeps a connection for the next request, and closes it idle before the server's announced keep-alive timeout", async () => {
    const subgraph = await serve((_request, response) => answer(response), {
      keepAliveTimeout: 2_000,
    });
    const client = createSubgraphClient({ timeoutMs: 5_000 });
    await client.post(subgraph.url, BODY, HEADERS);
    await client.post(subgraph.url, BODY, HEADERS);
    assert.equal(subgraph.sockets.length, 1, 'the second request reused the connection');
    const socket = subgraph.sockets[0]!;
    // who closes it first, whatever the machine's speed: the client's FIN arrives as 'end' on
    // the server's side; the server's own timeout would destroy the socket without one
    const closedBy = await new Promise<string>((resolve) => {
      socket.once('end', () => resolve('the client'));
      socket.once('close', () => resolve('the server'));
    });
    assert.equal(closedBy, 'the client');
    client.close();
  });

  it('sends a query again when a pooled connection turns out closed, and a mutation not', async () => {
    // the second request on each connection finds it closed, as when the server's keep-alive
    // timeout passes just as the request is written
    const subgraph = await serve((request, response) => {
      const socket = request.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served === 2) socket.destroy();
      else answer(response);
    });
    const client = createSubgraphClient({ timeoutMs: 5_000 });
    await client.post(subgraph.url, BODY, HEADERS, { retryOnStaleConnection: true });
    const query = await client.post(subgraph.url, BODY, HEADERS, { retryOnStaleConnection: true });
    assert.equal(query.status, 200);
    assert.equal(subgraph.requests(), 3, 'sent again on a new connection');

    // the connection the retry opened has served one request: this is its second
    await assert.rejects(client.post(subgraph.url, BODY, HEADERS), /socket hang up|ECONNRESET/);
    assert.equal(subgraph.requests(), 4, 'the mutation was sent once');
    client.close();
  });

  it('does not send a query again once an answer has begun', async () => {
    const subgraph = await serve((request, response, nth) => {
      if (nth === 1) return answer(response);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":');
      setTimeout(() => request.socket.destroy(), 20);
    });
    const client = createSubgraphClient({ timeoutMs: 5_000 });
    await client.post(subgraph.url, BODY, HEADERS, { retryOnStaleConnection: true });
    await assert.rejects(
      client.post(subgraph.url, BODY, HEADERS, { retryOnStaleConnection: true }),
    );
    assert.equal(subgraph.requests(), 2);
    client.close();
  });
});
