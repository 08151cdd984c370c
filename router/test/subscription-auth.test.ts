import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signToken } from '../src/auth.js';
import { waitUntil } from '@ordergraph/shared/testing';
import { ADA, GRACE } from './support/fixtures.js';
import { manualClock } from './support/manual-clock.js';
import { stackWithAnOrder, TRACK_ORDER } from './support/order-steps.js';
import { JWT_SECRET, type Stack } from './support/stack.js';
import {
  subscribeOverMultipart,
  subscribeOverSse,
  subscribeOverWebSocket,
} from './support/subscription-clients.js';

let stack: Stack;
let orderId: string;
before(async () => {
  ({ stack, orderId } = await stackWithAnOrder());
});
after(() => stack.stop());

const codesOf = (results: { errors?: readonly { extensions?: Record<string, unknown> }[] }[]) =>
  results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.['code']));

describe('who may subscribe to an order', () => {
  it("refuses another customer's order with FORBIDDEN and no data, on every transport", async () => {
    const token = await stack.token(ADA, ['customer']);
    const options = { url: stack.routerUrl, query: TRACK_ORDER, variables: { orderId }, token };
    for (const subscription of [
      subscribeOverWebSocket(options),
      subscribeOverMultipart(options),
      subscribeOverSse(options),
    ]) {
      const results = await subscription.received.end();
      assert.deepEqual(codesOf(results), ['FORBIDDEN']);
      assert.ok(results.every((r) => r.data == null || r.data['orderUpdated'] == null));
      await subscription.close();
    }
  });

  it('refuses an anonymous subscriber', async () => {
    const subscription = subscribeOverWebSocket({
      url: stack.routerUrl,
      query: TRACK_ORDER,
      variables: { orderId },
    });
    const results = await subscription.received.end();
    assert.ok(['FORBIDDEN', 'UNAUTHENTICATED'].includes(String(codesOf(results)[0])));
    await subscription.close();
  });

  it('closes a socket whose connection_init carries a bad token', async () => {
    const subscription = subscribeOverWebSocket({
      url: stack.routerUrl,
      query: TRACK_ORDER,
      variables: { orderId },
      token: 'not-a-jwt',
    });
    await subscription.received.end();
    assert.equal((subscription.received.failure as { code?: number }).code, 4403);
  });

  it('refuses a multipart subscription with a bad token with 401', async () => {
    const subscription = subscribeOverMultipart({
      url: stack.routerUrl,
      query: TRACK_ORDER,
      variables: { orderId },
      token: 'not-a-jwt',
    });
    assert.equal(await subscription.status, 401);
    const [result] = await subscription.received.end();
    assert.equal(result?.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });

  it('ends the stream with TOKEN_EXPIRED when the token expires', async () => {
    // a router on a clock the test moves: the hour passes when the streams are live
    const clock = manualClock();
    const { router, url } = await stack.startExtraRouter({ clock });
    // the token's exp (seconds) on the router's clock: the wall clock moved on while it started
    const exp = Math.floor(clock.now() / 1000) + 3_600;
    try {
      const token = await signToken({
        secret: JWT_SECRET,
        subject: GRACE,
        roles: ['customer'],
        expiresIn: exp,
      });
      const options = { url, query: TRACK_ORDER, variables: { orderId }, token };
      const subscriptions = [subscribeOverWebSocket(options), subscribeOverMultipart(options)];
      await waitUntil(() => router.subscriptionStats().clients === 2, {
        what: 'both subscriptions to be live',
      });
      assert.ok(subscriptions.every((subscription) => !subscription.received.completed));
      // a second before the token's exp the streams live on; at it they end
      clock.advance((exp - 1) * 1000 - clock.now());
      assert.equal(router.subscriptionStats().clients, 2);
      assert.ok(subscriptions.every((subscription) => !subscription.received.completed));
      clock.advance(1_000);
      for (const subscription of subscriptions) {
        const results = await subscription.received.end();
        assert.deepEqual(codesOf(results), ['TOKEN_EXPIRED']);
        await subscription.close();
      }
      // an expired token cannot open a new socket either
      const late = subscribeOverWebSocket(options);
      await late.received.end();
      assert.equal((late.received.failure as { code?: number }).code, 4403);
    } finally {
      await router.stop();
    }
  });
});
