import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  appendEvent,
  encodeEventCursor,
  forbidden,
  isPrivileged,
  startEventTail,
  subscribeToStream,
  type BaseContext,
  type EventLogRow,
  type EventTail,
} from '../src/index.js';
import {
  connectSubscriptionClient,
  viewers,
  waitUntil,
  type TestSubgraph,
} from '../src/testing/index.js';
import { startSdlSubgraph } from './support/test-subgraph.js';

// a subgraph of things, each with its event stream; only staff may follow thing "secret"
const sdl = `
  type Query { ping: String }
  type Subscription { thingChanged(id: ID!, after: String): ThingChange! }
  type ThingChange { cursor: String! type: String! viewer: String context: Int! }
`;

interface ThingContext extends BaseContext {
  /** which context this is, counted over the server's life */
  number: number;
}

let subgraph: TestSubgraph;
let tail: EventTail;

before(async () => {
  let contexts = 0;
  subgraph = await startSdlSubgraph<ThingContext>({
    database: 'shared_ws',
    name: 'things',
    sdl,
    serve: async ({ handle, log }) => {
      tail = await startEventTail({ handle, log });
      return {
        createContext: (base) => ({ ...base, number: ++contexts }),
        onStop: () => tail.stop(),
        resolvers: {
          Subscription: {
            thingChanged: {
              subscribe: (
                _root: unknown,
                args: { id: string; after?: string | null },
                { viewer }: ThingContext,
              ) => {
                if (args.id === 'secret' && !isPrivileged(viewer)) throw forbidden();
                return subscribeToStream({
                  tail,
                  db: handle.db,
                  stream: { streamType: 'thing', streamId: args.id },
                  after: args.after,
                  // a thing whose subscribers may leave only two events unread
                  ...(args.id === 'flood' ? { queueLimit: 2 } : {}),
                });
              },
              resolve: (event: EventLogRow, _args: unknown, context: ThingContext) => ({
                cursor: encodeEventCursor('thing', event.seq),
                type: event.type,
                viewer: context.viewer.subject,
                context: context.number,
              }),
            },
          },
        },
      };
    },
  });
});
after(() => subgraph.stop());

const append = (streamId: string, type: string) =>
  subgraph.handle.db.transaction((tx) =>
    appendEvent(tx, { streamType: 'thing', streamId, type }).then((row) => row!),
  );

const THING_CHANGED = `subscription ($id: ID!, $after: String) {
  thingChanged(id: $id, after: $after) { cursor type viewer context } }`;

describe('subscriptions over graphql-ws', () => {
  it('refuses a connection without a valid signature with 4403', async () => {
    await assert.rejects(connectSubscriptionClient(subgraph.url, { viewer: null }), {
      code: 4403,
    });
    await assert.rejects(
      connectSubscriptionClient(subgraph.url, { viewer: viewers.staff(), secret: 'not-it' }),
      { code: 4403 },
    );
  });

  it('replays after a cursor, then sends live events, each with a fresh context', async () => {
    const client = await connectSubscriptionClient(subgraph.url);
    const first = await append('a', 'thing.created');
    await append('a', 'thing.renamed');
    const subscription = client.subscribe({
      query: THING_CHANGED,
      variables: { id: 'a', after: encodeEventCursor('thing', first.seq) },
      viewer: viewers.customer('c-1'),
    });
    await subscription.take(1);
    const live = await append('a', 'thing.moved');
    const results = await subscription.take(2);
    assert.deepEqual(
      results.map((result) => result.data?.['thingChanged']?.type),
      ['thing.renamed', 'thing.moved'],
    );
    assert.deepEqual(results[1], {
      data: {
        thingChanged: {
          cursor: encodeEventCursor('thing', live.seq),
          type: 'thing.moved',
          viewer: 'c-1',
          context: results[0]!.data!['thingChanged'].context + 1,
        },
      },
    });
    subscription.unsubscribe();
    await client.close();
  });

  it('runs as the connection viewer when the subscribe message carries none', async () => {
    const client = await connectSubscriptionClient(subgraph.url, { viewer: viewers.staff() });
    const subscription = client.subscribe({ query: THING_CHANGED, variables: { id: 'secret' } });
    await waitUntil(() => tail.watching({ streamType: 'thing', streamId: 'secret' }) === 1);
    await append('secret', 'thing.hidden');
    const [result] = await subscription.take(1);
    assert.equal(result?.data?.['thingChanged'].viewer, 'staff-1');
    subscription.unsubscribe();
    // leaving releases the stream
    await waitUntil(() => tail.watching({ streamType: 'thing', streamId: 'secret' }) === 0);
    await client.close();
  });

  it('refuses a subscription the viewer may not follow, a forged viewer, and a bad cursor', async () => {
    const client = await connectSubscriptionClient(subgraph.url);
    const forbiddenOne = client.subscribe({
      query: THING_CHANGED,
      variables: { id: 'secret' },
      viewer: viewers.customer('c-1'),
    });
    assert.deepEqual(await forbiddenOne.ended, { kind: 'complete' });
    assert.deepEqual(forbiddenOne.results, [
      {
        errors: [
          {
            message: 'You are not allowed to do this.',
            locations: [{ line: 2, column: 3 }],
            path: ['thingChanged'],
            extensions: { code: 'FORBIDDEN' },
          },
        ],
      },
    ]);

    const forged = client.subscribe({
      query: THING_CHANGED,
      variables: { id: 'a' },
      headers: { 'x-ordergraph-viewer': 'e30', 'x-ordergraph-signature': 'bad' },
    });
    assert.deepEqual(await forged.ended, {
      kind: 'error',
      error: [
        {
          message: 'Missing or invalid viewer signature.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });

    const badCursor = client.subscribe({
      query: THING_CHANGED,
      variables: { id: 'a', after: encodeEventCursor('order', 1) },
    });
    await badCursor.ended;
    assert.equal(badCursor.results[0]?.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    await client.close();
  });

  it('ends a subscriber that falls behind with SUBSCRIPTION_OVERFLOW, keeping the socket', async () => {
    const client = await connectSubscriptionClient(subgraph.url);
    const flooded = client.subscribe({ query: THING_CHANGED, variables: { id: 'flood' } });
    await waitUntil(() => tail.watching({ streamType: 'thing', streamId: 'flood' }) === 1);
    // one commit of five events: the tail hands them over at once, past the limit of two
    await subgraph.handle.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++)
        await appendEvent(tx, { streamType: 'thing', streamId: 'flood', type: 'thing.flood' });
    });
    assert.deepEqual(await flooded.ended, {
      kind: 'error',
      error: [
        {
          message:
            'The subscription fell too far behind and was ended; subscribe again with the last cursor.',
          extensions: { code: 'SUBSCRIPTION_OVERFLOW' },
        },
      ],
    });
    assert.equal(tail.watching({ streamType: 'thing', streamId: 'flood' }), 0);
    // the connection serves other subscriptions as before
    const other = client.subscribe({ query: THING_CHANGED, variables: { id: 'calm' } });
    await waitUntil(() => tail.watching({ streamType: 'thing', streamId: 'calm' }) === 1);
    await append('calm', 'thing.calm');
    assert.equal((await other.take(1))[0]?.data?.['thingChanged'].type, 'thing.calm');
    await client.close();
  });

  it('closes live sockets with 1001 when the server stops', async () => {
    const replica = await startSdlSubgraph({
      database: 'shared_ws_stop',
      name: 'things',
      sdl,
      serve: () => ({ resolvers: {} }),
    });
    const client = await connectSubscriptionClient(replica.url);
    await replica.stop();
    assert.equal(await client.closed, 1001);
    await client.close();
  });
});
