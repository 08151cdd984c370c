/**
 * The parts of the library that work without a server (the database, money, calls to other
 * services, validation, a lease's fence): what an export's worker thread loads, at about a
 * third of the heap the whole library costs (the server, GraphQL tooling and telemetry).
 */
export * from './db.js';
export * from './any-of.js';
export * from './errors.js';
export * from './money.js';
export * from './service-client.js';
export * from './validation.js';
export { fenceOfLease, LeaseLostError } from './lease-fence.js';
export type { Lease } from './lease.js';
