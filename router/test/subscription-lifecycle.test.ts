import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '@ordergraph/shared/testing';
import { SUPERGRAPH_FILE } from '../src/composition.js';
import {
  stackWithAnOrder,
  TRACK_ORDER,
  timelineCursors,
  type Lifecycle,
} from './support/order-steps.js';
import type { Stack } from './support/stack.js';
import {
  subscribeOverMultipart,
  subscribeOverSse,
  subscribeOverWebSocket,
  type OpenSubscription,
} from './support/subscription-clients.js';

// live subscriptions end with a code the client acts on (resubscribe with its cursor) when the
// router reloads its supergraph or shuts down

let stack: Stack;
let steps: Lifecycle;
let orderId: string;
before(async () => {
  ({ stack, steps, orderId } = await stackWithAnOrder());
});
after(() => stack.stop());

async function subscribeEverywhere(): Promise<OpenSubscription[]> {
  const from = (await timelineCursors(stack, orderId, steps.tokens.grace)).at(-1);
  const options = {
    url: stack.routerUrl,
    query: TRACK_ORDER,
    variables: { orderId, after: from },
    token: steps.tokens.grace,
  };
  const subscriptions = [
    subscribeOverWebSocket(options),
    subscribeOverMultipart(options),
    subscribeOverSse(options),
  ];
  await waitUntil(() => stack.router.subscriptionStats().clients === 3);
  return subscriptions;
}

const lastCode = (subscription: OpenSubscription) =>
  subscription.received.results.at(-1)?.errors?.[0]?.extensions?.['code'];

describe('ending live subscriptions', () => {
  it('ends them with SUBSCRIPTION_SCHEMA_RELOAD when the supergraph is reloaded, and serves the new one', async () => {
    const subscriptions = await subscribeEverywhere();
    stack.router.reload(readFileSync(SUPERGRAPH_FILE, 'utf8'));
    for (const subscription of subscriptions) {
      await subscription.received.end();
      assert.equal(lastCode(subscription), 'SUBSCRIPTION_SCHEMA_RELOAD');
      await subscription.close();
    }
    // queries and new subscriptions work on the reloaded supergraph
    const again = await subscribeEverywhere();
    await steps.pickAndPack(await steps.shipmentOf(orderId));
    for (const subscription of again) {
      const [update] = await subscription.received.atLeast(1);
      assert.equal(update?.errors, undefined);
      assert.equal(update?.data?.['orderUpdated'].event.type, 'shipment.updated');
      await subscription.close();
    }
    await waitUntil(() => stack.router.subscriptionStats().clients === 0);
  });

  it('ends them with SUBSCRIPTION_SERVER_SHUTDOWN when the router stops', async () => {
    const subscriptions = await subscribeEverywhere();
    await stack.restartRouter();
    for (const subscription of subscriptions) {
      await subscription.received.end();
      assert.equal(
        lastCode(subscription),
        'SUBSCRIPTION_SERVER_SHUTDOWN',
        JSON.stringify([subscriptions.indexOf(subscription), subscription.received]),
      );
      await subscription.close();
    }
  });

  it('refuses a subscription sent as a plain JSON request, naming the transports', async () => {
    const response = await stack.request({
      query: TRACK_ORDER,
      variables: { orderId },
      token: steps.tokens.grace,
    });
    assert.equal(response.status, 400);
    assert.match(String(response.errors?.[0]?.message), /WebSocket/);
  });
});
