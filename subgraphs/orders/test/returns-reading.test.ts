import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { viewers, type TestSubgraph } from '@ordergraph/shared/testing';
import type { OrderRow } from '../src/db/schema.js';
import {
  deliverOrder,
  insertAuthorizedOrder,
  requestReturnOf,
  RETURN_FIELDS,
  usd,
} from './returns-support.js';
import { ADA, GRACE, placedOrder, startOrders, type Request } from './support.js';

let subgraph: TestSubgraph;
let request: Request;
const adas: OrderRow[] = [];
const returnIds: string[] = [];
const firstLines: string[] = [];
let gracesReturn: string;

before(async () => {
  ({ subgraph, request } = await startOrders());
  for (let index = 0; index < 4; index++) {
    const order = await insertAuthorizedOrder(subgraph.handle, placedOrder());
    const { lines } = await deliverOrder(subgraph.handle, order.id);
    adas.push(order);
    firstLines.push(lines[0]!.id);
    returnIds.push(
      await requestReturnOf(request, {
        viewer: viewers.customer(ADA),
        orderId: order.id,
        lines: [{ orderLineId: lines[0]!.id, quantity: 1 }],
      }),
    );
  }
  const graces = await insertAuthorizedOrder(subgraph.handle, placedOrder({ customerId: GRACE }));
  const { lines } = await deliverOrder(subgraph.handle, graces.id);
  gracesReturn = await requestReturnOf(request, {
    viewer: viewers.customer(GRACE),
    orderId: graces.id,
    lines: [{ orderLineId: lines[0]!.id, quantity: 2 }],
  });
});
after(() => subgraph.stop());

const RETURN = `query($id: ID!) { return(id: $id) { id status refundableAmount { amount currencyCode } } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Return { id status order { id } }
  ... on Order { id returns { id lines { orderLine { id } quantity } } } } }`;

describe('reading returns', () => {
  it('shows a return to its customer and to staff', async () => {
    for (const viewer of [viewers.customer(ADA), viewers.staff(), viewers.warehouse()]) {
      const response = await request(RETURN, { viewer, variables: { id: returnIds[0] } });
      assert.deepEqual(response.data?.return, {
        id: returnIds[0],
        status: 'REQUESTED',
        refundableAmount: usd('25.00'),
      });
    }
  });

  it("refuses another customer's return with FORBIDDEN, and finds no unknown one", async () => {
    const theirs = await request(RETURN, {
      viewer: viewers.customer(ADA),
      variables: { id: gracesReturn },
    });
    assert.equal(theirs.data?.return, null);
    assert.equal(theirs.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const unknown = await request(RETURN, {
      viewer: viewers.staff(),
      variables: { id: '00000000-0000-4000-8000-00000000dead' },
    });
    assert.deepEqual(unknown, { status: 200, data: { return: null } });
  });

  it('resolves Return references for those who may see them, and nothing for others', async () => {
    const representations = [gracesReturn, returnIds[1]].map((id) => ({
      __typename: 'Return',
      id,
    }));
    const response = await request(ENTITIES, {
      viewer: viewers.customer(ADA),
      variables: { r: representations },
    });
    assert.deepEqual(response.data?._entities, [
      null,
      { id: returnIds[1], status: 'REQUESTED', order: { id: adas[1]!.id } },
    ]);
  });

  it('lists an order’s returns with their lines', async () => {
    const response = await request(ENTITIES, {
      viewer: viewers.staff(),
      variables: { r: [{ __typename: 'Order', id: adas[0]!.id }] },
    });
    assert.deepEqual(response.data?._entities, [
      {
        id: adas[0]!.id,
        returns: [{ id: returnIds[0], lines: [{ orderLine: { id: firstLines[0] }, quantity: 1 }] }],
      },
    ]);
  });

  it('reads the returns of many orders in as many statements as of one', async () => {
    const statementsFor = async (orders: OrderRow[]) => {
      const before = subgraph.handle.statements.count;
      const response = await request(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
          returns { ${RETURN_FIELDS} } } } }`,
        {
          viewer: viewers.staff(),
          variables: { r: orders.map(({ id }) => ({ __typename: 'Order', id })) },
        },
      );
      assert.equal(response.errors, undefined);
      return subgraph.handle.statements.count - before;
    };
    assert.equal(await statementsFor(adas), await statementsFor(adas.slice(0, 1)));
  });

  it('refuses an unsigned request', async () => {
    const response = await request(RETURN, { viewer: null, variables: { id: returnIds[0] } });
    assert.equal(response.status, 401);
    assert.equal(response.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });
});
