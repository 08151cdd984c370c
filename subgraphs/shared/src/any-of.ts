import { Param, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * `column = any($1::type[])`: the loaders' "one of these keys" condition with the keys sent as a
 * single array parameter. drizzle's `inArray` binds one parameter per key, so each batch size is
 * a different statement (prepared and planned again by PostgreSQL) and building the text costs
 * a type check per key; here a batch of 1 and of 100 keys is the same statement.
 */
export function anyOf(column: PgColumn, values: readonly unknown[]): SQL {
  const type = column.getSQLType();
  const elementType = SERIAL_TYPES[type] ?? type;
  return sql`${column} = any(${new Param([...values])}::${sql.raw(elementType)}[])`;
}

// a serial column's values are of its underlying integer type; there is no serial[] type
const SERIAL_TYPES: Record<string, string> = {
  smallserial: 'smallint',
  serial: 'integer',
  bigserial: 'bigint',
};
