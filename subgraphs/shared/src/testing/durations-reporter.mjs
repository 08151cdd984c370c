// plain JavaScript: node:test loads reporters itself, without the TypeScript loader
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

/**
 * A node:test reporter that says, once the run ends, how long the package's suite took and
 * which three test files took longest (`npm test` runs it beside the spec reporter, so CI shows
 * where the time goes). A file's time runs from the end of the file before it to the end of its
 * own last top-level test, so it includes starting its servers; with files run side by side
 * the figures overlap.
 * @param {AsyncIterable<{ type: string, data: { nesting?: number, file?: string } }>} source
 */
export default async function* durations(source) {
  const started = performance.now();
  /** @type {Map<string, number>} */
  const byFile = new Map();
  let last = started;
  for await (const { type, data } of source) {
    if ((type !== 'test:pass' && type !== 'test:fail') || data.nesting !== 0 || !data.file) {
      continue;
    }
    const now = performance.now();
    byFile.set(data.file, (byFile.get(data.file) ?? 0) + (now - last));
    last = now;
  }
  /** @param {number} ms */
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const ranked = [...byFile]
    .sort((a, b) => b[1] - a[1])
    .map(([file, ms]) => `${relative(process.cwd(), file)} ${seconds(ms)}`);
  const suite = process.env.npm_package_name ?? process.cwd();
  // TEST_DURATIONS=all lists every file, slowest first, to compare runs file by file
  if (process.env.TEST_DURATIONS === 'all') {
    yield `\n${ranked.map((line) => `# file ${line}`).join('\n')}\n`;
  }
  yield `\n# suite ${suite}: ${seconds(performance.now() - started)}, ${byFile.size} files; slowest: ${ranked.slice(0, 3).join(', ') || 'none'}\n`;
}
