import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { toMoney } from '@ordergraph/shared';
import type {
  CreditNoteLineRow,
  CreditNoteRow,
  InvoiceLineRow,
  InvoiceRow,
  Party,
} from '../db/schema.js';
import { percentOf } from './documents.js';

const require = createRequire(import.meta.url);
// embedded (subset) in every document, so it reads the same on any reader and printer
const FONTS = {
  regular: require.resolve('@fontsource/inter/files/inter-latin-400-normal.woff'),
  bold: require.resolve('@fontsource/inter/files/inter-latin-700-normal.woff'),
};

const MARGIN = 50;
const A4_WIDTH = 595.28;
const CONTENT_WIDTH = A4_WIDTH - 2 * MARGIN;

/** A table column: its title, width (points) and alignment. */
interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

const money = (minorUnits: number, currency: string) => {
  const { amount, currencyCode } = toMoney(minorUnits, currency);
  return `${amount} ${currencyCode}`;
};

const dateOf = (at: Date) => at.toISOString().slice(0, 10);

/** Renders a document into a buffer: A4, fonts embedded. */
function render(draw: (doc: PDFKit.PDFDocument) => void, title: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: title, Creator: 'ordergraph' },
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

function party(doc: PDFKit.PDFDocument, heading: string, who: Party, x: number, y: number) {
  doc.font('bold').fontSize(9).fillColor('#555555').text(heading, x, y);
  doc
    .font('bold')
    .fontSize(10)
    .fillColor('#000000')
    .text(who.name, x, doc.y + 2);
  doc.font('regular');
  for (const line of who.lines) doc.text(line, x);
  if (who.taxId) doc.text(`Tax id: ${who.taxId}`, x);
}

function header(
  doc: PDFKit.PDFDocument,
  {
    title,
    number,
    issuedAt,
    seller,
    buyer,
    facts,
  }: {
    title: string;
    number: string;
    issuedAt: Date;
    seller: Party;
    buyer: Party;
    facts: [string, string][];
  },
) {
  doc.font('bold').fontSize(20).text(title, MARGIN, MARGIN);
  doc
    .font('regular')
    .fontSize(10)
    .text(number, MARGIN, doc.y + 2);
  const factsTop = MARGIN;
  let y = factsTop;
  for (const [label, value] of [['Date', dateOf(issuedAt)], ...facts] as [string, string][]) {
    doc.font('bold').fontSize(9).text(label, 330, y, { width: 90 });
    doc
      .font('regular')
      .text(value, 420, y, { width: CONTENT_WIDTH + MARGIN - 420, align: 'right' });
    y = doc.y + 2;
  }
  const partiesTop = Math.max(y, 120) + 10;
  party(doc, 'From', seller, MARGIN, partiesTop);
  const sellerBottom = doc.y;
  party(doc, 'Bill to', buyer, 330, partiesTop);
  doc.y = Math.max(sellerBottom, doc.y) + 24;
}

function table(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][]) {
  const row = (cells: string[], font: 'regular' | 'bold') => {
    const top = doc.y;
    let x = MARGIN;
    let bottom = top;
    doc.font(font).fontSize(9);
    cells.forEach((cell, index) => {
      const column = columns[index]!;
      doc.text(cell, x + 2, top, { width: column.width - 4, align: column.align });
      bottom = Math.max(bottom, doc.y);
      x += column.width;
    });
    doc.y = bottom + 4;
  };
  row(
    columns.map((column) => column.title),
    'bold',
  );
  doc
    .moveTo(MARGIN, doc.y - 2)
    .lineTo(MARGIN + CONTENT_WIDTH, doc.y - 2)
    .strokeColor('#999999')
    .stroke();
  for (const cells of rows) row(cells, 'regular');
  doc
    .moveTo(MARGIN, doc.y)
    .lineTo(MARGIN + CONTENT_WIDTH, doc.y)
    .stroke();
  doc.y += 8;
}

function totals(doc: PDFKit.PDFDocument, lines: [string, string, boolean?][]) {
  for (const [label, value, strong] of lines) {
    const top = doc.y;
    doc.font(strong ? 'bold' : 'regular').fontSize(strong ? 11 : 10);
    doc.text(label, 300, top, { width: 120 });
    doc.text(value, 420, top, { width: MARGIN + CONTENT_WIDTH - 420, align: 'right' });
    doc.y += 2;
  }
}

const INVOICE_COLUMNS: Column[] = [
  { title: 'Item', width: 135, align: 'left' },
  { title: 'Qty', width: 30, align: 'right' },
  { title: 'Unit price', width: 70, align: 'right' },
  { title: 'Discount', width: 60, align: 'right' },
  { title: 'Net', width: 70, align: 'right' },
  { title: 'Tax %', width: 40, align: 'right' },
  { title: 'Tax', width: 40, align: 'right' },
  { title: 'Total', width: CONTENT_WIDTH - 445, align: 'right' },
];

/** An invoice as an A4 PDF: seller, buyer, lines with discount and tax, totals, payment. */
export function renderInvoicePdf({
  invoice,
  lines,
}: {
  invoice: InvoiceRow;
  lines: readonly InvoiceLineRow[];
}): Promise<Buffer> {
  const amount = (minorUnits: number) => money(minorUnits, invoice.currency);
  const plain = (minorUnits: number) => toMoney(minorUnits, invoice.currency).amount;
  return render((doc) => {
    header(doc, {
      title: 'Invoice',
      number: invoice.number,
      issuedAt: invoice.issuedAt,
      seller: invoice.seller,
      buyer: invoice.buyer,
      facts: [
        ['Currency', invoice.currency],
        ['Payment', invoice.paymentReference],
      ],
    });
    table(
      doc,
      INVOICE_COLUMNS,
      lines.map((line) => [
        line.description,
        String(line.quantity),
        plain(line.unitPrice),
        plain(line.discount),
        plain(line.net),
        percentOf(line.taxRateBasisPoints),
        plain(line.taxAmount),
        plain(line.total),
      ]),
    );
    totals(doc, [
      ['Subtotal', amount(invoice.subtotal)],
      ['Discount', amount(-invoice.discountTotal)],
      ['Shipping', amount(invoice.shippingTotal)],
      [invoice.taxLabel, amount(invoice.taxTotal)],
      ['Total', amount(invoice.total), true],
    ]);
    doc.moveDown(2);
    doc.font('regular').fontSize(9).fillColor('#555555');
    doc.text('Paid by card. Thank you for your order.', MARGIN);
  }, `Invoice ${invoice.number}`);
}

const CREDIT_NOTE_COLUMNS: Column[] = [
  { title: 'Item', width: 195, align: 'left' },
  { title: 'Qty', width: 40, align: 'right' },
  { title: 'Net', width: 80, align: 'right' },
  { title: 'Tax %', width: 50, align: 'right' },
  { title: 'Tax', width: 60, align: 'right' },
  { title: 'Total', width: CONTENT_WIDTH - 425, align: 'right' },
];

/** A credit note as an A4 PDF, naming the invoice it corrects. */
export function renderCreditNotePdf({
  note,
  lines,
  invoiceNumber,
}: {
  note: CreditNoteRow;
  lines: readonly CreditNoteLineRow[];
  invoiceNumber: string;
}): Promise<Buffer> {
  const amount = (minorUnits: number) => money(minorUnits, note.currency);
  const plain = (minorUnits: number) => toMoney(minorUnits, note.currency).amount;
  return render((doc) => {
    header(doc, {
      title: 'Credit note',
      number: note.number,
      issuedAt: note.issuedAt,
      seller: note.seller,
      buyer: note.buyer,
      facts: [
        ['Corrects invoice', invoiceNumber],
        ['Currency', note.currency],
        ['Refund', note.refundReference],
      ],
    });
    doc.font('regular').fontSize(10).text(note.reason, MARGIN);
    doc.moveDown();
    table(
      doc,
      CREDIT_NOTE_COLUMNS,
      lines.map((line) => [
        line.description,
        String(line.quantity),
        plain(line.net),
        percentOf(line.taxRateBasisPoints),
        plain(line.taxAmount),
        plain(line.total),
      ]),
    );
    totals(doc, [
      ['Net', amount(note.netTotal)],
      [note.taxLabel, amount(note.taxTotal)],
      ['Total credited', amount(note.total), true],
    ]);
  }, `Credit note ${note.number}`);
}
