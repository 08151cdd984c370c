import { HttpError, type Database, type HttpRoute } from '@ordergraph/shared';
import { createBillingRepository } from './billing.repository.js';
import { canSeeDocument } from './documents.js';
import { renderCreditNotePdf, renderInvoicePdf } from './pdf.js';

// /documents/invoices/<id>.pdf and /documents/credit-notes/<id>.pdf, as pdfUrl gives them
const DOCUMENT_PATH = /^\/documents\/(invoices|credit-notes)\/([0-9a-fA-F-]{36})\.pdf$/;

/**
 * Serves the PDF of an invoice or a credit note at GET /documents/…: rendered on request from
 * the immutable document, for its viewers (the order's customer, staff). The router
 * authenticates the caller and passes the request on, signed.
 */
export function createDocumentDownload({ db }: { db: Database }): HttpRoute['handle'] {
  const repository = createBillingRepository({ db });
  const notFound = () => new HttpError(404, 'NOT_FOUND', 'There is no such document.');
  return async ({ path, method, viewer, response }) => {
    if (method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Use GET.');
    if (viewer.roles.length === 0) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in first.');
    const match = DOCUMENT_PATH.exec(path);
    if (!match) throw notFound();
    const [, kind, given] = match as unknown as [string, 'invoices' | 'credit-notes', string];
    const id = given.toLowerCase();
    let pdf: Buffer;
    let number: string;
    if (kind === 'invoices') {
      const [invoice] = await repository.findInvoicesByIds([id]);
      if (!invoice) throw notFound();
      if (!canSeeDocument(viewer, invoice)) {
        throw new HttpError(403, 'FORBIDDEN', 'You may only read your own invoices.');
      }
      pdf = await renderInvoicePdf({ invoice, lines: await repository.findInvoiceLines([id]) });
      number = invoice.number;
    } else {
      const [note] = await repository.findCreditNotesByIds([id]);
      if (!note) throw notFound();
      if (!canSeeDocument(viewer, note)) {
        throw new HttpError(403, 'FORBIDDEN', 'You may only read your own credit notes.');
      }
      const [invoice] = await repository.findInvoicesByIds([note.invoiceId]);
      pdf = await renderCreditNotePdf({
        note,
        lines: await repository.findCreditNoteLines([id]),
        invoiceNumber: invoice!.number,
      });
      number = note.number;
    }
    response.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': pdf.length,
      'content-disposition': `inline; filename="${number}.pdf"`,
      // one viewer's document: never kept by a shared cache
      'cache-control': 'private, no-store',
    });
    response.end(pdf);
  };
}
