import { requestScope, type DatabaseHandle } from '@ordergraph/shared';

/** One statement a service sent: its SQL text, and the request it was sent for. */
export interface LoggedStatement {
  text: string;
  /** the request id of the work that sent it ('' for background work, none for the test's own) */
  requestId: string | undefined;
}

/** Every statement each service sent, in order. */
export interface StatementLog {
  /** statements so far, by service */
  snapshot(): Record<string, LoggedStatement[]>;
  stop(): void;
}

interface Logger {
  logQuery(query: string, params: unknown[]): void;
}

/**
 * Records every statement each database handle sends, with the request it belongs to: drizzle hands each one to
 * the logger the handle was opened with, the same call that feeds its StatementCounter. The
 * logger object is shared by the handle's sessions, transactions and prepared queries, so
 * wrapping its method sees them all.
 */
export function recordStatements(handles: Record<string, DatabaseHandle>): StatementLog {
  const texts = new Map<string, LoggedStatement[]>();
  const restore: (() => void)[] = [];
  for (const [name, handle] of Object.entries(handles)) {
    const logger = (handle.db as unknown as { session: { logger: Logger } }).session.logger;
    const original = logger.logQuery;
    const list: LoggedStatement[] = [];
    texts.set(name, list);
    logger.logQuery = function (this: Logger, query, params) {
      list.push({ text: query, requestId: requestScope.getStore()?.requestId });
      return original.call(this, query, params);
    };
    restore.push(() => (logger.logQuery = original));
  }
  return {
    snapshot: () => Object.fromEntries([...texts].map(([name, list]) => [name, [...list]])),
    stop: () => restore.forEach((undo) => undo()),
  };
}
