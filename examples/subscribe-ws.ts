// follows an order over WebSocket (graphql-ws, the graphql-transport-ws protocol):
// npx tsx examples/subscribe-ws.ts <order id> [--after <cursor>] [--until <event type>]
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { printUpdate, readOptions, ROUTER_URL, type OrderUpdate } from './tracking.js';

const { query, variables, token, until } = await readOptions('subscribe-ws.ts');
const client = createClient({
  url: ROUTER_URL.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  // the token travels in connection_init, not in a header
  connectionParams: { authorization: `Bearer ${token}` },
});
client.on('connected', () => console.error('subscribed: waiting for updates'));

const updates = client.iterate<{ orderUpdated: OrderUpdate }>({ query, variables });
for await (const { data, errors } of updates) {
  if (errors) throw new Error(errors.map((error) => error.message).join('; '));
  if (data && printUpdate(data.orderUpdated, until)) break;
}
await client.dispose();
