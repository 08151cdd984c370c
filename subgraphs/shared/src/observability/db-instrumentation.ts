import type { PGlite, Transaction } from '@electric-sql/pglite';
import type postgres from 'postgres';
import type { PoolUsage } from './pool-usage.js';
import { startStatementSpan } from './tracing.js';

// drizzle hands every statement to its driver through `unsafe` (postgres.js) or `query`
// (PGlite), and every transaction through `begin` or `transaction`: wrapping those four is
// enough to see each statement from the moment it is sent until its result is in, and each
// connection from the moment it is asked for until it is given back.

type Release = () => void;

/** Spans a statement until it settles, then gives back the connection it held (if any). */
function follow<T extends PromiseLike<unknown>>(
  pending: T,
  statement: string,
  release: Release = () => {},
): T {
  const end = startStatementSpan(statement);
  // postgres.js queries are lazy: subscribing here sends them, as the caller's await would
  pending.then(
    () => {
      end();
      release();
    },
    (error: unknown) => {
      end(error);
      release();
    },
  );
  return pending;
}

type Unsafe = postgres.Sql['unsafe'];

/**
 * drizzle asks postgres.js for an unnamed statement unless a query was given a name, and for
 * a statement with parameters postgres.js then makes two round trips (describe, then execute)
 * and PostgreSQL parses and plans it every time. Prepared, a statement is described once per
 * connection and then sent in one round trip, its plan reused. Statements without parameters
 * keep the simple protocol (a migration holds several statements).
 */
const preparing = (unsafe: Unsafe, prepare: boolean): Unsafe =>
  // a second argument that is not an array is the options (postgres.js 4's second overload)
  ((query: string, parameters?: unknown, options?: postgres.UnsafeQueryOptions) =>
    Array.isArray(parameters)
      ? unsafe(
          query,
          parameters as postgres.ParameterOrJSON<never>[],
          prepare && parameters.length ? { ...options, prepare: true } : options,
        )
      : unsafe(query, parameters as never)) as Unsafe;

/**
 * A postgres.js client whose statements are traced, whose pool use `pool` counts and, with
 * `prepare`, whose statements with parameters are prepared (see `preparing`).
 */
export function instrumentPostgres(
  client: postgres.Sql,
  pool: PoolUsage,
  { prepare }: { prepare: boolean },
): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        const unsafe = preparing(target.unsafe.bind(target), prepare);
        return (...args: Parameters<Unsafe>) => follow(unsafe(...args), args[0], pool.acquire());
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          const work = args.pop() as (sql: postgres.TransactionSql) => unknown;
          const release = pool.acquire();
          const begin = target.begin as (...beginArgs: unknown[]) => Promise<unknown>;
          const done = begin(...args, (sql: postgres.TransactionSql) =>
            work(instrumentPostgresTransaction(sql, prepare)),
          );
          done.then(release, release);
          return done;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A transaction's client: its statements are traced, on the connection the transaction holds. */
function instrumentPostgresTransaction(
  sql: postgres.TransactionSql,
  prepare: boolean,
): postgres.TransactionSql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        const unsafe = preparing(target.unsafe.bind(target), prepare);
        return (...args: Parameters<Unsafe>) => follow(unsafe(...args), args[0]);
      }
      if (property === 'savepoint') {
        return (...args: unknown[]) => {
          const work = args.pop() as (inner: postgres.TransactionSql) => unknown;
          const savepoint = target.savepoint as (...savepointArgs: unknown[]) => Promise<unknown>;
          return savepoint(...args, (inner: postgres.TransactionSql) =>
            work(instrumentPostgresTransaction(inner, prepare)),
          );
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A PGlite instance whose statements are traced and whose one connection `pool` counts. */
export function instrumentPglite(client: PGlite, pool: PoolUsage): PGlite {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return (...args: Parameters<PGlite['query']>) => {
          const release = pool.acquire();
          return follow(target.query(...args), args[0], release);
        };
      }
      if (property === 'transaction') {
        return <T>(work: (tx: Transaction) => Promise<T>) => {
          const release = pool.acquire();
          const done = target.transaction((tx) => work(instrumentPgliteTransaction(tx)));
          done.then(release, release);
          return done;
        };
      }
      // PGlite's methods use private fields: they run on the instance, not on the proxy
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function instrumentPgliteTransaction(tx: Transaction): Transaction {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (...args: Parameters<Transaction['query']>) =>
          follow(target.query(...args), args[0]);
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
