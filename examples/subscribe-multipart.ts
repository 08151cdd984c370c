// follows an order over multipart HTTP, the transport of Apollo Client, Apollo Kotlin and
// Apollo iOS: one POST whose response stays open, a part per update:
// npx tsx examples/subscribe-multipart.ts <order id> [--after <cursor>] [--until <event type>]
import { printUpdate, readOptions, ROUTER_URL, type OrderUpdate } from './tracking.js';

const { query, variables, token, until } = await readOptions('subscribe-multipart.ts');
const abort = new AbortController();
const response = await fetch(ROUTER_URL, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    accept: 'multipart/mixed;subscriptionSpec=1.0',
    authorization: `Bearer ${token}`,
  },
  body: JSON.stringify({ query, variables }),
  signal: abort.signal,
});
const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get('content-type') ?? '')?.[1];
if (!response.ok || !response.body || !boundary) {
  throw new Error(`HTTP ${response.status}: ${await response.text()}`);
}
console.error('subscribed: waiting for updates');

// each part: headers, a blank line, then JSON; `{}` is a heartbeat, `payload` an update
let buffer = '';
const decoder = new TextDecoder();
reading: for await (const chunk of response.body) {
  buffer += decoder.decode(chunk, { stream: true });
  let end: number;
  while ((end = buffer.indexOf(`\r\n--${boundary}`)) !== -1) {
    const part = buffer.slice(0, end);
    buffer = buffer.slice(end + `\r\n--${boundary}`.length);
    const json = part.slice(part.indexOf('\r\n\r\n') + 4).trim();
    if (!json.startsWith('{')) continue;
    const { payload } = JSON.parse(json) as {
      payload?: { data?: { orderUpdated: OrderUpdate }; errors?: { message: string }[] };
    };
    if (payload?.errors) throw new Error(payload.errors.map((error) => error.message).join('; '));
    if (payload?.data && printUpdate(payload.data.orderUpdated, until)) break reading;
  }
}
abort.abort();
