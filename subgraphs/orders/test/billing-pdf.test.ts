import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftInvoice } from '../src/billing/invoice-math.js';
import { renderCreditNotePdf, renderInvoicePdf } from '../src/billing/pdf.js';
import type { CreditNoteRow, InvoiceRow } from '../src/db/schema.js';
import { readPdf } from './pdf-text.js';

// two tees at 25.00 and a mug at 12.00; 5.00 off, 4.99 shipping, 19 % tax on 61.99: 11.78
const order = {
  lines: [
    { id: 'tee', sku: 'TEE-CLASSIC-BLK-M', unitPrice: 2500, quantity: 2 },
    { id: 'mug', sku: 'MUG-CERAMIC-WHT', unitPrice: 1200, quantity: 1 },
  ],
  subtotal: 6200,
  discountTotal: 500,
  shippingTotal: 499,
  taxTotal: 1178,
};
const draft = draftInvoice({
  order,
  before: { quantities: new Map(), discount: 0, shipping: 0, tax: 0 },
  quantities: new Map([
    ['tee', 2],
    ['mug', 1],
  ]),
  amount: 6200 - 500 + 499 + 1178,
});
const seller = {
  name: 'ordergraph demo store',
  lines: ['1 Example Street', '10115 Berlin', 'DE'],
  taxId: 'DE123456789',
};
const buyer = {
  name: 'Ada Lovelace',
  lines: ['12 St James Square', 'SW1Y 4JH London', 'GB'],
  taxId: null,
};
const invoice: InvoiceRow = {
  id: '00000000-0000-4000-8000-0000000000a1',
  number: 'INV-2026-000123',
  series: 'INV',
  year: 2026,
  sequence: 123,
  orderId: '00000000-0000-4000-8000-0000000000b1',
  customerId: '00000000-0000-4000-8000-000000000001',
  currency: 'EUR',
  seller,
  buyer,
  subtotal: draft.subtotal,
  discountTotal: draft.discountTotal,
  shippingTotal: draft.shippingTotal,
  taxTotal: draft.taxTotal,
  total: draft.total,
  taxLabel: 'VAT',
  paymentReference: 'cap_42',
  issuedAt: new Date('2026-03-14T09:30:00Z'),
};
const lines = draft.lines.map((line, index) => ({
  ...line,
  invoiceId: invoice.id,
  position: index + 1,
}));

describe('the PDF of an invoice', () => {
  it('is one A4 page with the number, the lines and the totals as text, fonts embedded', async () => {
    const pdf = await renderInvoicePdf({ invoice, lines });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    // the font travels in the file (a TrueType program), none is left to the reader
    assert.ok(pdf.includes('/FontFile2'));
    assert.ok(!pdf.includes('/Helvetica'));
    const { lines: text, pages, size } = await readPdf(pdf);
    assert.equal(pages, 1);
    assert.deepEqual(size, [595, 842]);
    assert.ok(text.includes('Invoice'));
    assert.ok(text.includes('INV-2026-000123'), text.join('\n'));
    assert.ok(text.includes('Date 2026-03-14'), text.join('\n'));
    assert.ok(text.includes('Tax id: DE123456789'), text.join('\n'));
    // per line: quantity, unit price, discount, net, tax rate, tax, total
    assert.ok(
      text.includes('TEE-CLASSIC-BLK-M 2 25.00 4.03 45.97 19.00 8.73 54.70'),
      text.join('\n'),
    );
    assert.ok(
      text.includes('MUG-CERAMIC-WHT 1 12.00 0.97 11.03 19.00 2.10 13.13'),
      text.join('\n'),
    );
    assert.ok(text.includes('Shipping 1 4.99 0.00 4.99 19.00 0.95 5.94'), text.join('\n'));
    for (const expected of [
      'Subtotal 62.00 EUR',
      'Discount -5.00 EUR',
      'Shipping 4.99 EUR',
      'VAT 11.78 EUR',
      'Total 73.77 EUR',
    ]) {
      assert.ok(text.includes(expected), `${expected} in\n${text.join('\n')}`);
    }
  });

  it('names the invoice a credit note corrects, with what it credits', async () => {
    const note: CreditNoteRow = {
      id: '00000000-0000-4000-8000-0000000000c1',
      number: 'CN-2026-000007',
      series: 'CN',
      year: 2026,
      sequence: 7,
      invoiceId: invoice.id,
      orderId: invoice.orderId,
      customerId: invoice.customerId,
      returnId: '00000000-0000-4000-8000-0000000000d1',
      currency: 'EUR',
      seller,
      buyer,
      netTotal: 1096,
      taxTotal: 208,
      total: 1304,
      taxLabel: 'VAT',
      reason: 'Return: Chipped',
      refundReference: 're_9',
      issuedAt: new Date('2026-03-20T10:00:00Z'),
    };
    const pdf = await renderCreditNotePdf({
      note,
      invoiceNumber: invoice.number,
      lines: [
        {
          creditNoteId: note.id,
          position: 1,
          orderLineId: 'mug',
          description: 'MUG-CERAMIC-WHT',
          quantity: 1,
          net: 1096,
          taxRateBasisPoints: 1900,
          taxAmount: 208,
          total: 1304,
        },
      ],
    });
    const { lines: text } = await readPdf(pdf);
    for (const expected of [
      'Credit note',
      'CN-2026-000007',
      'Corrects invoice INV-2026-000123',
      'Return: Chipped',
      'MUG-CERAMIC-WHT 1 10.96 19.00 2.08 13.04',
      'Total credited 13.04 EUR',
    ]) {
      assert.ok(text.includes(expected), `${expected} in\n${text.join('\n')}`);
    }
  });
});
