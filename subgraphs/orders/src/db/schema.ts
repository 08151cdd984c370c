// every table of the orders database, for drizzle-kit and for code that reads several rooms;
// each file imports the tables it refers to from its neighbour, never from here
export {
  eventLog,
  eventCursors,
  idempotencyKeys,
  leases,
  parkedEvents,
} from '@ordergraph/shared/tables';
// orders, their lines, payments, allocations, placing requests and cancellations
export * from './orders.js';
// returns and refunds
export * from './returns.js';
// what orders learns of its shipments, payment captures and the test payment provider's records
export * from './lifecycle.js';
// invoices and credit notes (src/billing/)
export * from './billing.js';
// background export jobs and their files (export-jobs/)
export * from './export-jobs.js';
// notes staff write on orders
export * from './notes.js';
