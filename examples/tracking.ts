// what the two subscription examples share: the operation, its variables, a token, and how
// an update is printed
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const ROUTER_URL = process.env['ROUTER_URL'] ?? 'http://127.0.0.1:4000/graphql';

export interface OrderUpdate {
  cursor: string;
  event: { type: string; message: string };
  order: {
    number: string;
    status: string;
    paymentStatus: string;
    customer: { name: string };
    shipments: { status: string; trackingNumber: string | null }[];
  };
}

/**
 * The command line (<order id> [--after <cursor>] [--until <event type>]), the subscription and
 * a token.
 */
export async function readOptions(script: string) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { after: { type: 'string' }, until: { type: 'string' } },
  });
  const [orderId] = positionals;
  if (!orderId) {
    console.error(`usage: npx tsx examples/${script} <order id> [--after <cursor>] [--until <event type>]
  prints the order's updates until Ctrl-C, or until an update of the --until type`);
    process.exit(2);
  }
  const query = readFileSync(new URL('track-order.graphql', import.meta.url), 'utf8');
  const variables = JSON.parse(
    readFileSync(new URL('track-order.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  // TOKEN, or a token for the demo customer Ada Lovelace
  const token = (
    process.env['TOKEN'] ?? execFileSync('npm', ['run', '--silent', 'token'], { encoding: 'utf8' })
  ).trim();
  variables['orderId'] = orderId;
  // no gap: what the order page showed last is where the updates start
  variables['after'] = values.after ?? (await lastCursor(orderId, token));
  return { query, variables, token, until: values.until };
}

/** The cursor of the order's latest timeline entry, as the order page loads it. */
async function lastCursor(orderId: string, token: string): Promise<string | null> {
  const response = await fetch(ROUTER_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: readFileSync(new URL('order-timeline.graphql', import.meta.url), 'utf8'),
      variables: { orderId },
    }),
  });
  const { data, errors } = (await response.json()) as {
    data?: { order: { timeline: { cursor: string }[] } | null };
    errors?: { message: string }[];
  };
  if (!data?.order) throw new Error(errors?.map((error) => error.message).join('; '));
  return data.order.timeline.at(-1)?.cursor ?? null;
}

/** Prints an update; true when it is the last one asked for. */
export function printUpdate({ event, order }: OrderUpdate, until: string | undefined): boolean {
  console.log(`${event.type}: ${event.message}`);
  if (event.type !== until) return false;
  const name = order.customer.name;
  console.log(`order ${order.number} of ${name}: ${order.status}, payment ${order.paymentStatus}`);
  return true;
}
