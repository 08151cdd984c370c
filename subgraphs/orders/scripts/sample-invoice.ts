/**
 * Renders a sample invoice to PDF and its page to PNG (docs/invoice-sample.png), as the README
 * shows it: `npm run docs:invoice -w @ordergraph/orders`.
 */
import { writeFile } from 'node:fs/promises';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { draftInvoice } from '../src/billing/invoice-math.js';
import { renderInvoicePdf } from '../src/billing/pdf.js';
import type { InvoiceRow } from '../src/db/schema.js';

const order = {
  lines: [
    { id: 'tee', sku: 'TEE-CLASSIC-BLK-M', unitPrice: 1990, quantity: 2 },
    { id: 'mug', sku: 'MUG-CERAMIC-WHT', unitPrice: 1400, quantity: 1 },
  ],
  subtotal: 5380,
  discountTotal: 538,
  shippingTotal: 499,
  taxTotal: 1015,
};
const draft = draftInvoice({
  order,
  before: { quantities: new Map(), discount: 0, shipping: 0, tax: 0 },
  quantities: new Map([
    ['tee', 2],
    ['mug', 1],
  ]),
  amount: 5380 - 538 + 499 + 1015,
});
const invoice: InvoiceRow = {
  id: '00000000-0000-4000-8000-000000000001',
  number: 'INV-2026-000123',
  series: 'INV',
  year: 2026,
  sequence: 123,
  orderId: '00000000-0000-4000-8000-000000000002',
  customerId: '00000000-0000-4000-8000-000000000003',
  currency: 'EUR',
  seller: {
    name: 'ordergraph demo store',
    lines: ['1 Example Street', '10115 Berlin', 'DE'],
    taxId: 'DE123456789',
  },
  buyer: { name: 'Ada Lovelace', lines: ['Unter den Linden 5', '10117 Berlin', 'DE'], taxId: null },
  ...draft,
  taxLabel: 'MwSt',
  paymentReference: 'cap_3f9a1c',
  issuedAt: new Date('2026-03-14T09:30:00Z'),
};
const lines = draft.lines.map((line, index) => ({
  ...line,
  invoiceId: invoice.id,
  position: index + 1,
}));
const pdf = await renderInvoicePdf({ invoice, lines });

const document = await getDocument({ data: new Uint8Array(pdf) }).promise;
const page = await document.getPage(1);
const viewport = page.getViewport({ scale: 1.5 });
// pdf.js renders on @napi-rs/canvas in Node, through the document's own canvas factory
const factory = (
  document as unknown as {
    canvasFactory: {
      create(
        width: number,
        height: number,
      ): {
        canvas: { toBuffer(type: string): Buffer };
        context: Parameters<typeof page.render>[0]['canvasContext'];
      };
    };
  }
).canvasFactory;
const { canvas, context } = factory.create(viewport.width, viewport.height);
context.fillStyle = '#ffffff';
context.fillRect(0, 0, viewport.width, viewport.height);
await page.render({ canvasContext: context, viewport }).promise;
const target = new URL('../../../docs/invoice-sample.png', import.meta.url);
await writeFile(target, canvas.toBuffer('image/png'));
await document.destroy();
console.log(`wrote ${target.pathname}`);
