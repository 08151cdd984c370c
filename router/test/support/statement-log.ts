import type { DatabaseHandle } from '@ordergraph/shared';

/** The SQL text of every statement a service sent, in order. */
export interface StatementLog {
  /** statements so far, by service */
  snapshot(): Record<string, string[]>;
  stop(): void;
}

interface Logger {
  logQuery(query: string, params: unknown[]): void;
}

/**
 * Records the text of every statement each database handle sends: drizzle hands each one to
 * the logger the handle was opened with, the same call that feeds its StatementCounter. The
 * logger object is shared by the handle's sessions, transactions and prepared queries, so
 * wrapping its method sees them all.
 */
export function recordStatements(handles: Record<string, DatabaseHandle>): StatementLog {
  const texts = new Map<string, string[]>();
  const restore: (() => void)[] = [];
  for (const [name, handle] of Object.entries(handles)) {
    const logger = (handle.db as unknown as { session: { logger: Logger } }).session.logger;
    const original = logger.logQuery;
    const list: string[] = [];
    texts.set(name, list);
    logger.logQuery = function (this: Logger, query, params) {
      list.push(query);
      return original.call(this, query, params);
    };
    restore.push(() => (logger.logQuery = original));
  }
  return {
    snapshot: () => Object.fromEntries([...texts].map(([name, list]) => [name, [...list]])),
    stop: () => restore.forEach((undo) => undo()),
  };
}
