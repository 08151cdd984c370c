import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type DatabaseHandle, transaction } from '@ordergraph/shared';
import { createTestDatabase } from '@ordergraph/shared/testing';
import { applyBillingEvent } from '../src/billing/billing-events.js';
import { createLedgerExportSource, type LedgerParams } from '../src/billing/ledger-export.js';
import { journalEntries, LEDGER_DOCUMENT_KINDS } from '../src/billing/ledger.js';
import { DEFAULT_BILLING_SETTINGS } from '../src/billing/settings.js';
import type { ExportRow } from '../src/export-jobs/row-source.js';
import { migrationsFolder } from '../src/server.js';
import { deliverOrder, insertAuthorizedOrder } from './returns-support.js';
import { placedOrder } from './support.js';

let handle: DatabaseHandle;
before(async () => {
  handle = await createTestDatabase({ name: 'billing_ledger', migrationsFolder });
  // three orders, the last shipped in two parcels: four captures, four invoices
  for (const parcels of [1, 1, 2]) {
    const order = await insertAuthorizedOrder(
      handle,
      placedOrder({
        lines: [
          { sku: 'TEE-CLASSIC-BLK-M', quantity: 2, unitPrice: 2500 },
          { sku: 'MUG-CERAMIC-WHT', quantity: 1, unitPrice: 1200 },
        ],
      }),
    );
    await deliverOrder(handle, order.id, {
      shipments: (lines) =>
        parcels === 1
          ? [lines.map((line) => ({ orderLineId: line.id, quantity: line.quantity }))]
          : lines.map((line) => [{ orderLineId: line.id, quantity: line.quantity }]),
    });
    await transaction(handle.db, (tx) =>
      applyBillingEvent(
        {
          seq: 1,
          type: 'payment.captured',
          version: 1,
          streamType: 'order',
          streamId: order.id,
          // what the billing consumer reads of a capture is its order: the rest is the contract's
          payload: {
            orderId: order.id,
            customerId: order.customerId,
            shipmentId: 'shipment',
            amount: 0,
            currency: 'USD',
            captureId: null,
          },
          occurredAt: new Date(),
        },
        tx,
        { settings: DEFAULT_BILLING_SETTINGS },
      ),
    );
  }
  // the capture runner stamps each settled capture; these were written settled
  await handle.db.execute(
    sql`update payment_captures set settled_at = now() where settled_at is null`,
  );
});
after(() => handle.close());

const params: LedgerParams = {
  from: new Date(Date.now() - 86_400_000).toISOString(),
  to: new Date(Date.now() + 86_400_000).toISOString(),
  series: null,
};

/** every row of the export, read in pages of `limit` as the export runner reads them */
async function readAll(limit: number) {
  const source = createLedgerExportSource({ db: handle.db });
  const rows: ExportRow[] = [];
  let cursor: unknown = null;
  for (;;) {
    const page = await source.page({ params, cursor, limit });
    rows.push(...page.rows);
    cursor = page.cursor;
    if (page.rows.length < limit) return rows;
  }
}

describe('the ledger export', () => {
  it('posts balanced entries for every kind of document', () => {
    for (const kind of LEDGER_DOCUMENT_KINDS) {
      const entries = journalEntries({
        kind,
        id: 'd',
        at: new Date(),
        number: 'N',
        orderNumber: 'OG-1',
        currency: 'EUR',
        goods: 5702,
        shipping: 499,
        tax: 1176,
        total: 5702 + 499 + 1176,
      });
      const debits = entries.reduce((sum, entry) => sum + entry.debit, 0);
      const credits = entries.reduce((sum, entry) => sum + entry.credit, 0);
      assert.equal(debits, credits, kind);
      assert.ok(debits > 0);
    }
  });

  it('writes the same rows whatever the page size, a document split across pages included', async () => {
    const whole = await readAll(1_000);
    // four invoices (receivable, sales, shipping: 3 entries; no tax) and four captures (2)
    assert.equal(whole.length, 4 * 3 + 4 * 2);
    for (const limit of [1, 2, 3, 4, 7]) {
      assert.deepEqual(await readAll(limit), whole, `pages of ${limit}`);
    }
    const source = createLedgerExportSource({ db: handle.db });
    assert.equal(await source.countUpTo(params, 1_000), whole.length);
    // a capped count is at least the cap plus one when more rows exist
    assert.ok((await source.countUpTo(params, 3)) > 3);
  });

  it('leaves the payments out when series are named', async () => {
    const source = createLedgerExportSource({ db: handle.db });
    const { rows } = await source.page({
      params: { ...params, series: ['INV'] },
      cursor: null,
      limit: 100,
    });
    assert.deepEqual([...new Set(rows.map((row) => row['document_type']))], ['INVOICE']);
    assert.equal(rows.length, 12);
  });
});
