import { fileURLToPath } from 'node:url';

/** The repository root, so `.data/` is the same folder whichever directory a process starts in. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
