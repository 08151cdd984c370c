import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executeRows, sql, type DatabaseHandle, transaction } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import { applyBillingEvent } from '../src/billing/billing-events.js';
import { createBillingRepository } from '../src/billing/billing.repository.js';
import { DEFAULT_BILLING_SETTINGS } from '../src/billing/settings.js';
import { createLifecycleRepository } from '../src/lifecycle/lifecycle.repository.js';
import { migrationsFolder } from '../src/server.js';
import { deliverOrder, insertAuthorizedOrder } from './returns-support.js';
import { placedOrder } from './support.js';

let handle: DatabaseHandle;
before(async () => {
  handle = await createTestDatabase({ name: 'billing_numbering', migrationsFolder });
});
after(() => handle.close());

const settings = DEFAULT_BILLING_SETTINGS;
// what the billing consumer reads of a capture is its order: the rest is the contract's
const captured = (orderId: string, seq: number) => ({
  seq,
  type: 'payment.captured' as const,
  version: 1,
  streamType: 'order',
  streamId: orderId,
  payload: {
    orderId,
    customerId: 'customer',
    shipmentId: 'shipment',
    amount: 0,
    currency: 'USD',
    captureId: null,
  },
  occurredAt: new Date(),
});

/** an order delivered in one shipment whose capture is settled, not invoiced yet */
async function capturedOrder() {
  const order = await insertAuthorizedOrder(handle, placedOrder());
  await deliverOrder(handle, order.id);
  return order;
}

const sequences = async () =>
  (
    await executeRows<{ sequence: number }>(
      handle.db,
      sql`select sequence from invoices order by sequence`,
    )
  ).map((row) => Number(row.sequence));

describe('invoice numbers', () => {
  it('stay gapless under concurrent captures and a transaction that rolls back', async () => {
    const orders = await Promise.all(Array.from({ length: 8 }, () => capturedOrder()));
    const failing = orders[3]!.id;
    const outcomes = await Promise.allSettled(
      orders.map((order, index) =>
        transaction(handle.db, async (tx) => {
          await applyBillingEvent(captured(order.id, index + 1), tx, { settings });
          // the issuing transaction fails after taking its number: the number goes back
          if (order.id === failing) throw new Error('the consumer crashed');
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      orders.map((order) => (order.id === failing ? 'rejected' : 'fulfilled')),
    );
    assert.deepEqual(await sequences(), [1, 2, 3, 4, 5, 6, 7]);
    const repository = createBillingRepository({ db: handle.db });
    assert.deepEqual(await repository.findInvoicesByOrderIds([failing]), []);

    // the event is handled again (the consumer's cursor did not move): the next number
    await transaction(handle.db, (tx) => applyBillingEvent(captured(failing, 4), tx, { settings }));
    assert.deepEqual(await sequences(), [1, 2, 3, 4, 5, 6, 7, 8]);
    const [retried] = await repository.findInvoicesByOrderIds([failing]);
    assert.equal(retried!.number, `INV-${retried!.year}-000008`);

    // a replayed event invoices nothing twice
    await transaction(handle.db, (tx) => applyBillingEvent(captured(failing, 4), tx, { settings }));
    assert.deepEqual(await sequences(), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps an issued invoice as it was: updates and deletes are refused', async () => {
    const refused = (error: Error) =>
      /issued documents are immutable/.test(String((error.cause as Error | undefined)?.message));
    await assert.rejects(handle.db.execute(sql`update invoices set total = total + 1`), refused);
    await assert.rejects(handle.db.execute(sql`delete from invoice_lines`), refused);
  });

  it('invoices a whole order once, when the settings say so and its last capture is settled', async () => {
    const perOrder = { ...settings, invoicePer: 'order' as const };
    const order = await insertAuthorizedOrder(
      handle,
      placedOrder({
        lines: [
          { sku: 'TEE-CLASSIC-BLK-M', quantity: 2, unitPrice: 2500 },
          { sku: 'MUG-CERAMIC-WHT', quantity: 1, unitPrice: 1200 },
        ],
      }),
    );
    // two parcels, the second one's capture not taken yet
    await deliverOrder(handle, order.id, {
      shipments: (lines) =>
        lines.map((line) => [{ orderLineId: line.id, quantity: line.quantity }]),
      uncaptured: [1],
    });
    const apply = () =>
      transaction(handle.db, (tx) =>
        applyBillingEvent(captured(order.id, 99), tx, {
          settings: perOrder,
        }),
      );
    await apply();
    const repository = createBillingRepository({ db: handle.db });
    assert.deepEqual(await repository.findInvoicesByOrderIds([order.id]), []);

    const lifecycle = createLifecycleRepository({ db: handle.db });
    const pending = (await lifecycle.findCapturesByOrderIds([order.id])).find(
      (capture) => capture.status === 'PENDING',
    );
    await lifecycle.settleCapture(pending!.shipmentId, {
      status: 'CAPTURED',
      providerCaptureId: 'cap_last',
    });
    await apply();
    await apply();
    const [invoice, ...more] = await repository.findInvoicesByOrderIds([order.id]);
    assert.deepEqual(more, []);
    assert.equal(invoice!.total, order.total);
    const lines = await repository.findInvoiceLines([invoice!.id]);
    assert.deepEqual(
      lines.map((line) => [line.description, line.quantity]),
      [
        ['TEE-CLASSIC-BLK-M', 2],
        ['MUG-CERAMIC-WHT', 1],
        ['Shipping', 1],
      ],
    );
  });
});
