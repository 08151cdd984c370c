import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface RoundRobinProxy {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A TCP load balancer in front of a service's replicas, as a cloud balancer or nginx is: each
 * new connection goes to the next replica, skipping any that refuses it. A connection whose
 * replica dies is cut, as it would be in production; clients reconnect and retry.
 */
export async function startRoundRobinProxy({
  backends,
}: {
  /** the replicas' ports on this host */
  backends: () => readonly number[];
}): Promise<RoundRobinProxy> {
  let next = 0;
  const sockets = new Set<Socket>();

  const dial = (tries: number, onOpen: (upstream: Socket) => void, onFail: () => void) => {
    const ports = backends();
    if (tries >= ports.length) return onFail();
    const port = ports[next++ % ports.length]!;
    const upstream = connect({ host: '127.0.0.1', port });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      onOpen(upstream);
    });
    // refused: that replica is down, the next one is asked
    upstream.once('error', () => {
      if (!connected) dial(tries + 1, onOpen, onFail);
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    dial(
      0,
      (upstream) => {
        sockets.add(upstream);
        upstream.once('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
