import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, type ClientsFile } from '../../src/clients/clients-file.js';
import { readManifest, type PersistedOperation } from '../../src/persisted/manifest.js';

export const PARTNER_KEY = 'og_test_partner_key_0123456789';
export const OPEN_CLIENT_KEY = 'og_test_open_key_9876543210';

/** A clients file with a safelisted partner and an open client, written to a temporary dir. */
export function writeTestClientsFile(): string {
  const file: ClientsFile = {
    defaultPolicy: 'open',
    clients: [
      {
        name: 'partner-acme',
        roles: ['staff'],
        policy: 'safelist',
        apiKeys: [{ sha256: hashApiKey(PARTNER_KEY) }],
      },
      {
        name: 'internal-tools',
        roles: [],
        policy: 'open',
        apiKeys: [{ sha256: hashApiKey(OPEN_CLIENT_KEY) }],
      },
    ],
  };
  const path = join(mkdtempSync(join(tmpdir(), 'ordergraph-clients-')), 'clients.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

export function manifestOperation(name: string): PersistedOperation {
  const operation = readManifest().operations.find((o) => o.name === name);
  if (!operation) throw new Error(`no manifest operation ${name}`);
  return operation;
}

/** Apollo's persisted query extension, as Apollo Client's persisted-queries link sends it. */
export const persistedQuery = (sha256Hash: string) => ({
  persistedQuery: { version: 1, sha256Hash },
});

/** POSTs a GraphQL request with JSON and returns status, headers and the parsed body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * GETs a GraphQL request with its parameters in the query string, as Apollo Client does for
 * hashed queries (with `content-type: application/json`, which also satisfies CSRF prevention).
 */
export async function get(
  url: string,
  params: { query?: string; operationName?: string; variables?: unknown; extensions?: unknown },
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined)
      search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response = await fetch(`${url}?${search.toString()}`, {
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
