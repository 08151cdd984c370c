import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count, eq } from 'drizzle-orm';
import { eventLog } from '@ordergraph/shared';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import { refunds, returns, RETURN_STATUSES, type ReturnStatus } from '../src/db/schema.js';
import {
  APPROVE_RETURN,
  key,
  RECEIVE_RETURN,
  REFUND_RETURN,
  REJECT_RETURN,
  returnIn,
} from './returns-support.js';
import { startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;

before(async () => {
  ({ subgraph, request } = await startOrders());
});
after(() => subgraph.stop());

/** each mutation, the status it moves a return to, and the rest of its input */
const MUTATIONS: {
  name: string;
  query: string;
  to: ReturnStatus;
  input: (lineId: string) => Record<string, unknown>;
}[] = [
  { name: 'approveReturn', query: APPROVE_RETURN, to: 'APPROVED', input: () => ({}) },
  { name: 'rejectReturn', query: REJECT_RETURN, to: 'REJECTED', input: () => ({ reason: 'No' }) },
  {
    name: 'receiveReturn',
    query: RECEIVE_RETURN,
    to: 'RECEIVED',
    input: (lineId) => ({ lines: [{ orderLineId: lineId, disposition: 'WRITE_OFF' }] }),
  },
  { name: 'refundReturn', query: REFUND_RETURN, to: 'REFUNDED', input: () => ({}) },
];

const ALLOWED = new Set([
  'REQUESTED>APPROVED',
  'REQUESTED>REJECTED',
  'APPROVED>RECEIVED',
  'RECEIVED>REFUNDED',
]);

async function snapshot(returnId: string) {
  const [row] = await subgraph.handle.db.select().from(returns).where(eq(returns.id, returnId));
  const [events] = await subgraph.handle.db.select({ n: count() }).from(eventLog);
  const [paid] = await subgraph.handle.db
    .select({ n: count() })
    .from(refunds)
    .where(eq(refunds.returnId, returnId));
  return { row, events: events?.n, refunds: paid?.n };
}

describe('every return mutation from every status', () => {
  for (const from of RETURN_STATUSES) {
    for (const mutation of MUTATIONS) {
      const allowed = ALLOWED.has(`${from}>${mutation.to}`);
      it(`${mutation.name} on a ${from} return ${allowed ? 'moves it' : 'is refused and changes nothing'}`, async () => {
        const { lines, returnId } = await returnIn(subgraph.handle, request, from);
        const before = await snapshot(returnId);
        const response = await request(mutation.query, {
          viewer: viewers.staff(),
          variables: {
            input: { returnId, idempotencyKey: key(), ...mutation.input(lines[0]!.id) },
          },
        });
        assert.equal(response.errors, undefined);
        const result = response.data?.[mutation.name];
        if (allowed) {
          assert.equal(result.return.status, mutation.to);
          return;
        }
        assert.deepEqual(result, {
          __typename: 'InvalidReturnTransitionError',
          message: `A ${from.toLowerCase()} return cannot become ${mutation.to.toLowerCase()}.`,
          from,
          to: mutation.to,
        });
        assert.deepEqual(await snapshot(returnId), before);
      });
    }
  }
});
