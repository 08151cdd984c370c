import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../src/billing/amounts.js';
import { draftCreditNote, draftInvoice, type InvoiceDraft } from '../src/billing/invoice-math.js';
import { captureAmount } from '../src/lifecycle/captures.js';

/** a small seeded generator (mulberry32): the same histories on every run */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

/** an order as the catalog prices it: discount, shipping and tax on the basket */
function randomOrder(rng: ReturnType<typeof random>) {
  const lines = Array.from({ length: rng.int(1, 4) }, (_, index) => ({
    id: `line-${index}`,
    sku: `SKU-${index}`,
    unitPrice: rng.int(1, 20_000),
    quantity: rng.int(1, 5),
  }));
  const subtotal = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  const discountTotal = rng.next() < 0.5 ? Math.floor((subtotal * rng.int(0, 30)) / 100) : 0;
  const shippingTotal = rng.next() < 0.7 ? rng.int(0, 1_500) : 0;
  const taxBps = [0, 700, 1_900, 2_000, 725][rng.int(0, 4)]!;
  const taxTotal = Math.round(((subtotal - discountTotal + shippingTotal) * taxBps) / 10_000);
  const total = subtotal - discountTotal + shippingTotal + taxTotal;
  return { lines, subtotal, discountTotal, shippingTotal, taxTotal, total };
}

/** the order's units split into 1-3 shipments, in a random order */
function randomShipments(rng: ReturnType<typeof random>, order: ReturnType<typeof randomOrder>) {
  const count = rng.int(1, 3);
  const shipments: { orderLineId: string; quantity: number }[][] = Array.from(
    { length: count },
    () => [],
  );
  for (const line of order.lines) {
    for (let unit = 0; unit < line.quantity; unit++) {
      const parcel = shipments[rng.int(0, count - 1)]!;
      const found = parcel.find((part) => part.orderLineId === line.id);
      if (found) found.quantity++;
      else parcel.push({ orderLineId: line.id, quantity: 1 });
    }
  }
  return shipments.filter((parcel) => parcel.length > 0);
}

const sumOf = (values: number[]) => values.reduce((total, value) => total + value, 0);

function checkInvoice(draft: InvoiceDraft, amount: number) {
  assert.equal(draft.total, amount);
  assert.equal(
    draft.subtotal - draft.discountTotal + draft.shippingTotal + draft.taxTotal,
    draft.total,
  );
  assert.equal(sumOf(draft.lines.map((line) => line.total)), draft.total);
  assert.equal(sumOf(draft.lines.map((line) => line.taxAmount)), draft.taxTotal);
  for (const line of draft.lines) {
    assert.ok(line.taxAmount >= 0 && line.discount >= 0, JSON.stringify(line));
    assert.equal(line.net + line.taxAmount, line.total);
  }
}

describe('invoices and credit notes over randomized histories', () => {
  for (const invoicePer of ['shipment', 'order'] as const) {
    it(`invoices minus credit notes equal captured minus refunded, to the cent (per ${invoicePer})`, () => {
      const rng = random(invoicePer === 'shipment' ? 22 : 2026);
      for (let history = 0; history < 400; history++) {
        const order = randomOrder(rng);
        const shipments = randomShipments(rng, order);
        // the captures, as the shipments consumer works them out
        const captures: { amount: number; lines: { orderLineId: string; quantity: number }[] }[] =
          [];
        const shippedBefore: { orderLineId: string; quantity: number }[] = [];
        for (const parcel of shipments) {
          const amount = captureAmount({
            order,
            shipment: parcel,
            shippedBefore,
            capturedBefore: sumOf(captures.map((capture) => capture.amount)),
          });
          captures.push({ amount, lines: parcel });
          shippedBefore.push(...parcel);
        }
        const groups =
          invoicePer === 'shipment' ? captures.map((capture) => [capture]) : [captures];
        const before = { quantities: new Map<string, number>(), discount: 0, shipping: 0, tax: 0 };
        const invoices = groups.map((group) => {
          const quantities = new Map<string, number>();
          for (const { orderLineId, quantity } of group.flatMap((capture) => capture.lines)) {
            quantities.set(orderLineId, (quantities.get(orderLineId) ?? 0) + quantity);
          }
          const amount = sumOf(group.map((capture) => capture.amount));
          const draft = draftInvoice({ order, before, quantities, amount });
          checkInvoice(draft, amount);
          for (const [id, quantity] of quantities) {
            before.quantities.set(id, (before.quantities.get(id) ?? 0) + quantity);
          }
          before.discount += draft.discountTotal;
          before.shipping += draft.shippingTotal;
          before.tax += draft.taxTotal;
          return { draft, amount };
        });
        // the whole order invoiced: its discount, shipping and tax exactly
        assert.equal(sumOf(invoices.map(({ draft }) => draft.discountTotal)), order.discountTotal);
        assert.equal(sumOf(invoices.map(({ draft }) => draft.shippingTotal)), order.shippingTotal);
        assert.equal(sumOf(invoices.map(({ draft }) => draft.taxTotal)), order.taxTotal);

        // refunds: some of each invoice's money paid back, in one or two returns
        let refunded = 0;
        let credited = 0;
        for (const { draft, amount } of invoices) {
          let left = amount;
          for (let refund = rng.int(0, 2); refund > 0 && left > 0; refund--) {
            const paidBack = rng.int(1, left);
            left -= paidBack;
            refunded += paidBack;
            const returned = draft.lines
              .filter((line) => line.orderLineId)
              .map((line) => ({
                orderLineId: line.orderLineId!,
                sku: line.description,
                quantity: 1,
                amount: line.total,
              }));
            const note = draftCreditNote({ invoice: draft, returned, amount: paidBack });
            assert.equal(note.netTotal + note.taxTotal, note.total);
            assert.equal(sumOf(note.lines.map((line) => line.total)), note.total);
            assert.ok(note.taxTotal <= draft.taxTotal);
            credited += note.total;
          }
        }
        const captured = sumOf(captures.map((capture) => capture.amount));
        assert.equal(captured, order.total);
        assert.equal(
          sumOf(invoices.map(({ draft }) => draft.total)) - credited,
          captured - refunded,
          `history ${history}`,
        );
      }
    });
  }

  it('spreads an amount by largest remainder, summing exactly', () => {
    assert.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(allocate(10, [0, 0]), [5, 5]);
    assert.deepEqual(allocate(7, [5000, 1200]), [6, 1]);
    assert.deepEqual(allocate(0, [3, 4]), [0, 0]);
  });
});
