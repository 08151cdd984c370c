import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';

export type CopyValue = string | number | boolean | Date | null;

// COPY's text format: tab-separated, \N for null, backslash escapes
const escapeText = (value: string) =>
  value.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );

function encode(value: CopyValue): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return escapeText(value);
  return String(value);
}

function* lines(rows: Iterable<CopyValue[]>, chunkRows = 2_000): Generator<string> {
  let chunk: string[] = [];
  for (const row of rows) {
    chunk.push(row.map(encode).join('\t'));
    if (chunk.length === chunkRows) {
      yield chunk.join('\n') + '\n';
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('\n') + '\n';
}

/** Streams rows into a table with COPY FROM STDIN: the fastest bulk load PostgreSQL has. */
export async function copyRows(
  sql: Sql,
  table: string,
  columns: readonly string[],
  rows: Iterable<CopyValue[]>,
): Promise<void> {
  const writable = await sql
    .unsafe(`copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) from stdin`)
    .writable();
  await pipeline(Readable.from(lines(rows)), writable);
}
