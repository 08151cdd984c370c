// `npm run build`: bundles the sandbox into dist/sandbox (the router also does it on start in
// development when the bundle is missing or stale)
import { relative } from 'node:path';
import { buildSandbox, SANDBOX_ASSETS_DIR } from './build.js';

await buildSandbox();
console.log(`sandbox built: ${relative(process.cwd(), SANDBOX_ASSETS_DIR)}`);
