import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared';
import { format, resolveConfig } from 'prettier';
import { subscriptionTable } from './subscription-table.js';
import { conditions, resultsMarkdown, summaryTable, type Report } from './tables.js';

const RESULTS_DIR = join(PROJECT_ROOT, 'bench/results');
const BENCHMARKS_PAGE = join(PROJECT_ROOT, 'docs/benchmarks.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const FULL_MARK = '<!-- bench:mode=full -->';

// the files are committed: written as `npm run lint` (prettier --check) wants them
async function writeFormatted(file: string, text: string): Promise<void> {
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(text, { ...options, filepath: file }));
}

/** Writes bench/results/<date>.md and .json (`<date>-quick` for a quick run); returns the paths. */
export async function writeResults(report: Report): Promise<string[]> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = report.settings.mode === 'quick' ? `${report.date}-quick` : report.date;
  const markdown = join(RESULTS_DIR, `${name}.md`);
  const json = join(RESULTS_DIR, `${name}.json`);
  await writeFormatted(markdown, resultsMarkdown(report));
  await writeFormatted(json, JSON.stringify(report, null, 2));
  return [markdown, json];
}

/**
 * Puts the latest summary into docs/benchmarks.md, between its markers. A quick run never
 * replaces the table of a full run. Returns whether the page changed.
 */
export async function updateBenchmarksPage(report: Report): Promise<boolean> {
  const file = report.settings.mode === 'quick' ? `${report.date}-quick` : report.date;
  const runs = [...new Set(report.measurements.map((m) => m.dedup))];
  const block = [
    START,
    ...(report.settings.mode === 'full' ? [FULL_MARK] : []),
    '',
    `Latest run: ${report.date}, ${report.settings.mode} mode ([all figures](../bench/results/${file}.md)).`,
    '',
    conditions(report),
    '',
    ...runs.flatMap((dedup) => [summaryTable(report, dedup), '']),
    ...(report.subscriptions.length
      ? ['Subscriptions (live order tracking):', '', subscriptionTable(report), '']
      : []),
  ].join('\n');
  const page = readFileSync(BENCHMARKS_PAGE, 'utf8');
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) return false;
  if (report.settings.mode === 'quick' && page.slice(start, end).includes(FULL_MARK)) return false;
  await writeFormatted(BENCHMARKS_PAGE, page.slice(0, start) + block + page.slice(end));
  return true;
}
