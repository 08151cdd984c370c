import { randomBytes } from 'node:crypto';
import { hashApiKey } from './clients-file.js';

/**
 * Prints a new API key (or the one given as argument) and the entry for the clients file.
 * Give the key to the partner once; only the hash goes into the file.
 */
const key = process.argv[2] ?? `og_${randomBytes(24).toString('base64url')}`;
process.stdout.write(
  `API key (give it to the client, store it nowhere else):\n  ${key}\n` +
    `clients file entry:\n  ${JSON.stringify({ sha256: hashApiKey(key), note: new Date().toISOString().slice(0, 10) })}\n`,
);
