import type { ExportFormat } from '../db/export-jobs.js';

/** One row of an export: column name to value. Money is an exact decimal string. */
export type ExportRow = Record<string, string | number | boolean | null>;

/**
 * What an export job reads its rows from: the job mechanism (jobs.repository.ts, runner.ts)
 * knows nothing of orders; an export of something else registers another source.
 */
export interface ExportRowSource<Params = unknown> {
  /** the name jobs store, unique among sources, e.g. "orders" */
  kind: string;
  /** the file's columns, in order: the CSV header and every JSONL object's keys */
  columns: readonly string[];
  /** the file's base name, e.g. "orders" for "orders-<job id>.csv" */
  fileName: string;
  /** how many rows the export would hold, counting at most `cap + 1` */
  countUpTo(params: Params, cap: number): Promise<number>;
  /**
   * The page of at most `limit` rows after `cursor` (null: from the start), in a stable order,
   * and the cursor of its last row (stored as JSON between pages, so a resumed job carries on).
   * Memory stays bounded by the page, whatever the export's size.
   */
  page(options: { params: Params; cursor: unknown; limit: number }): Promise<{
    rows: ExportRow[];
    cursor: unknown;
  }>;
}

/** The MIME type of each format, as the download serves it. */
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  JSONL: 'application/jsonl; charset=utf-8',
};

export const EXTENSIONS: Record<ExportFormat, string> = { CSV: 'csv', JSONL: 'jsonl' };

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled
const csvField = (value: ExportRow[string]) => {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows in a format, each line ended by CRLF (CSV) or LF (JSONL); CSV starts with its header. */
export function encodeRows({
  format,
  columns,
  rows,
  header,
}: {
  format: ExportFormat;
  columns: readonly string[];
  rows: readonly ExportRow[];
  /** whether this is the file's first page, which carries the CSV header */
  header: boolean;
}): string {
  if (format === 'JSONL') {
    return rows
      .map(
        (row) => `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`,
      )
      .join('');
  }
  const lines = rows.map((row) => columns.map((column) => csvField(row[column] ?? null)).join(','));
  if (header) lines.unshift(columns.join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}
