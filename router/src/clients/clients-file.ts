import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES } from '@ordergraph/shared/identity';
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import { z } from 'zod';
import { clientLimitsSchema } from '../limits/settings.js';

/** `safelist`: only operations of the persisted manifest; `open`: any valid operation, plus APQ. */
export type OperationPolicy = 'safelist' | 'open';

// roles a client may be given; 'service' is for calls between our own services only
const CLIENT_ROLES = ROLES.filter((role) => role !== 'service') as [string, ...string[]];
const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be the lowercase sha256 hex of the key (npm run hash-api-key)');

const clientSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only'),
  roles: z.array(z.enum(CLIENT_ROLES)).default([]),
  /** the carrier code a client with the `carrier` role acts for */
  carrierCode: z.string().min(1).optional(),
  policy: z.enum(['safelist', 'open']),
  /** several keys let a client rotate: add the new one, then remove the old one */
  apiKeys: z
    .array(z.strictObject({ sha256: sha256Hex, note: z.string().optional() }))
    .min(1, 'a client needs at least one key'),
  /** its own request limits and rate limit, in place of the router-wide ones */
  limits: clientLimitsSchema.optional(),
  /** may introspect the schema (and see "Did you mean" suggestions) in production */
  introspection: z.boolean().optional(),
});

const clientsFileSchema = z.strictObject({
  /** the policy of requests without an API key (users with a token, anonymous visitors) */
  defaultPolicy: z.enum(['safelist', 'open']).default('open'),
  clients: z.array(clientSchema).default([]),
});

export type ClientsFile = z.infer<typeof clientsFileSchema>;
export type Client = ClientsFile['clients'][number];

/** The sha256 hex of an API key: the only form in which keys are stored. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Parses a clients file's content; throws a message naming each bad entry. */
export function parseClientsFile(json: unknown, source = 'the clients file'): ClientsFile {
  const result = clientsFileSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`);
    throw new Error(`${source} is not valid:\n${issues.join('\n')}`);
  }
  const problems: string[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  for (const client of result.data.clients) {
    if (names.has(client.name)) problems.push(`client name "${client.name}" is used twice`);
    names.add(client.name);
    // a carrier client acts for one carrier: its key must name it, and only it may
    const isCarrier = client.roles.includes('carrier');
    if (isCarrier && !client.carrierCode)
      problems.push(`client "${client.name}" has the carrier role but no carrierCode`);
    if (!isCarrier && client.carrierCode)
      problems.push(`client "${client.name}" has a carrierCode but not the carrier role`);
    for (const { sha256 } of client.apiKeys) {
      if (hashes.has(sha256)) problems.push(`an API key of "${client.name}" is used twice`);
      hashes.add(sha256);
    }
  }
  if (problems.length > 0) throw new Error(`${source} is not valid:\n  ${problems.join('\n  ')}`);
  return result.data;
}

/**
 * Reads the clients file (a relative path is from the project root); no path means no clients
 * (every API key is refused).
 */
export function readClientsFile(path: string | undefined): ClientsFile {
  if (!path) return { defaultPolicy: 'open', clients: [] };
  const file = resolve(PROJECT_ROOT, path);
  return parseClientsFile(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
}
