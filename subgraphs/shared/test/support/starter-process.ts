// Stands in for a test process: starts an idle service process, prints its pid, then waits to
// be killed (test/exit-with-test.test.ts kills it and watches what happens to its child).
import { fileURLToPath } from 'node:url';
import { startServiceProcess } from '../../src/testing/index.js';

const child = startServiceProcess({
  entry: fileURLToPath(new URL('./idle-process.ts', import.meta.url)),
  env: {},
});
process.stdout.write(`${JSON.stringify({ childPid: child.pid })}\n`);
setInterval(() => {}, 60_000);
