import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitUntil } from '@ordergraph/shared/testing';
import { ADA, placeOrder, receiveStock, TEE } from './support/fixtures.js';
import { lifecycle, type Lifecycle } from './support/order-steps.js';
import { startStack, type Stack } from './support/stack.js';

// the sandbox in a real headless Chromium (Debian's `chromium` package): sign in as a demo
// customer, query an order, watch it live while the warehouse starts picking it

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(fileURLToPath(new URL('.', import.meta.url)), 'artifacts');
const skip =
  !existsSync(CHROMIUM) && process.env['CI'] !== 'true'
    ? `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser test`
    : false;

// the variables editor, once its tab is open
const VARIABLES = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
const HEADERS = '.graphiql-editor-tool .graphiql-editor + .graphiql-editor';

const ORDER_QUERY = `query AdasOrder($id: ID!) {
  order(id: $id) {
    id
    status
    customer { name }
    lines { quantity variant { sku } }
    timeline { cursor }
  }
}`;

const TRACK_ORDER = `subscription TrackOrder($orderId: ID!, $after: String) {
  orderUpdated(orderId: $orderId, after: $after) {
    event { type }
    order {
      status
      customer { name }
      shipments { status }
    }
  }
}`;

// GraphiQL's editors (Monaco) by the pane they are in: the sandbox hands them to its page as
// `window.sandbox` (plugins.ts)
const EDITORS: Record<string, string> = {
  '.graphiql-query-editor': 'queryEditor',
  '.graphiql-response': 'responseEditor',
  [VARIABLES]: 'variableEditor',
  [HEADERS]: 'headerEditor',
};
const editorName = (selector: string) => EDITORS[selector]!;

/** replaces the text of one of GraphiQL's editors, as typing it would */
async function setEditor(page: Page, selector: string, text: string): Promise<void> {
  const name = editorName(selector);
  await page.waitForFunction((name) => Boolean((window as any).sandbox?.[name]), name);
  await page.evaluate(([name, text]) => (window as any).sandbox[name].setValue(text), [
    name,
    text,
  ] as const);
}

/** writes an operation into the query editor, once GraphiQL has read which operation it is */
async function setOperation(page: Page, operation: string): Promise<void> {
  await setEditor(page, '.graphiql-query-editor', operation);
  const name = /^\w+ (\w+)/.exec(operation)?.[1];
  await page.waitForFunction((name) => (window as any).sandbox.operationName === name, name);
}

/** the text of an editor: what the page shows, including lines scrolled out of view */
const editorText = (page: Page, selector: string) =>
  page.evaluate(
    (name) => (window as any).sandbox?.[name]?.getValue() ?? '',
    editorName(selector),
  ) as Promise<string>;

/** waits for the response pane to show a result that satisfies `check`, and returns it */
async function responseWhere(
  page: Page,
  check: (result: any) => boolean,
  timeoutMs = 20_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = await editorText(page, '.graphiql-response');
    try {
      const result = JSON.parse(last);
      if (check(result)) return result;
    } catch {
      // empty, or still being written
    }
    if (Date.now() > deadline) assert.fail(`the response pane never matched; it shows:\n${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the sandbox in a browser', { skip }, () => {
  let stack: Stack;
  let steps: Lifecycle;
  let browser: Browser;
  let page: Page;
  let orderId: string;

  before(async () => {
    stack = await startStack();
    steps = await lifecycle(stack);
    await receiveStock(stack, { sku: TEE, warehouseId: 'wh-east', quantity: 2 });
    const placed = await placeOrder(stack, { customerId: ADA, lines: [{ sku: TEE, quantity: 1 }] });
    assert.equal(placed.__typename, 'PlaceOrderSuccess', JSON.stringify(placed));
    orderId = placed.order.id;
    await stack.settle();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in as a demo customer, queries an order and follows it live', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(new URL('/', stack.routerUrl).href);
    await page
      .locator('.graphiql-container')
      .waitFor({ timeout: 15_000 })
      .catch((error: Error) =>
        assert.fail(`${error.message}\npage errors: ${pageErrors.join('\n')}`),
      );

    // sign in as Ada from the sign-in panel: her token goes into the headers
    await page.getByRole('button', { name: 'Show Sign in' }).click();
    await page.locator('select.sandbox-identity').selectOption(`customer:${ADA}`);
    await page.locator('button.sandbox-sign-in').click();
    await page
      .locator('.sandbox-signed-in', { hasText: 'Signed in as Ada Lovelace (customer)' })
      .waitFor();
    const headers = JSON.parse(await editorText(page, HEADERS));
    assert.match(headers.Authorization, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

    // the persisted operations are there to load
    await page.getByRole('button', { name: 'Show Examples' }).click();
    await page.locator('button[data-operation="OrderTracking"]').click();
    assert.match(await editorText(page, '.graphiql-query-editor'), /^subscription OrderTracking\(/);

    // a query over HTTP with her token
    await page.locator('.graphiql-editor-tools button', { hasText: 'Variables' }).click();
    await setOperation(page, ORDER_QUERY);
    await setEditor(page, VARIABLES, JSON.stringify({ id: orderId }, null, 2));
    await page.locator('.graphiql-execute-button').click();
    const queried = await responseWhere(page, (result) => result.data?.order?.id === orderId);
    assert.equal(queried.errors, undefined);
    assert.deepEqual(
      { ...queried.data.order, timeline: undefined },
      {
        id: orderId,
        status: 'CONFIRMED',
        customer: { name: 'Ada Lovelace' },
        lines: [{ quantity: 1, variant: { sku: TEE } }],
        timeline: undefined,
      },
    );
    const lastCursor = queried.data.order.timeline.at(-1).cursor;

    // a live subscription over graphql-ws, from the last timeline entry the page has seen
    await setOperation(page, TRACK_ORDER);
    await setEditor(page, VARIABLES, JSON.stringify({ orderId, after: lastCursor }, null, 2));
    await page.locator('.graphiql-execute-button').click();
    await waitUntil(() => stack.router.subscriptionStats().clients === 1);

    // the warehouse starts picking, through the router: the page shows the update (Ada's
    // order reaches only Ada, so it proves her token went in connection_init)
    const picking = await stack.request({
      token: steps.tokens.warehouse,
      query: `mutation($input: ShipmentActionInput!) { startPicking(input: $input) { __typename } }`,
      variables: {
        input: { shipmentId: await steps.shipmentOf(orderId), idempotencyKey: `pick-${orderId}` },
      },
    });
    assert.deepEqual(picking.data, { startPicking: { __typename: 'ShipmentSuccess' } });
    const update = await responseWhere(
      page,
      // the last update it causes: the order moves on once its shipment is being picked
      (result) => result.data?.orderUpdated?.event?.type === 'order.status_changed',
    );
    assert.deepEqual(update, {
      data: {
        orderUpdated: {
          event: { type: 'order.status_changed' },
          order: {
            status: 'PROCESSING',
            customer: { name: 'Ada Lovelace' },
            shipments: [{ status: 'PICKING' }],
          },
        },
      },
    });
    assert.match(await page.locator('.graphiql-logo').innerText(), /Ada Lovelace \(customer\)/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-subscription.png') });

    // stopping it in the page closes the subscription at the router
    await page.locator('.graphiql-execute-button').click();
    await waitUntil(() => stack.router.subscriptionStats().clients === 0);
    assert.deepEqual(pageErrors, []);
  });
});
