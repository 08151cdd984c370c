import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { HttpError, parseJsonBody, readBody, sendJson } from '@ordergraph/shared/http';
import type { Logger } from '@ordergraph/shared/logging';
import type { JwtOptions } from '../auth.js';
import { readManifest } from '../persisted/manifest.js';
import { ensureSandboxBuilt, SANDBOX_ASSETS_DIR, SANDBOX_FILES } from './build.js';
import { DEMO_IDENTITIES, mintDemoToken } from './identities.js';
import { sandboxPage, unavailablePage } from './page.js';

/** What the sandbox page loads on start: who can sign in, and the example operations. */
export interface SandboxConfig {
  identities: { id: string; label: string }[];
  operations: { name: string; type: string; body: string }[];
}

export interface Sandbox {
  /** answers `/` and `/sandbox/*`; false for any other path */
  handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean>;
}

const ASSETS: Record<string, string> = Object.fromEntries(
  SANDBOX_FILES.map((file) => [
    `/sandbox/${file}`,
    file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
  ]),
);

/**
 * The development sandbox: GraphiQL at `/`, its assets, and a sign-in that mints tokens for
 * demo users. Only ever created outside production; it builds its bundle when missing or stale.
 */
export async function createSandbox({
  jwt,
  log,
  assetsDir = SANDBOX_ASSETS_DIR,
}: {
  jwt: JwtOptions;
  log: Logger;
  assetsDir?: string;
}): Promise<Sandbox> {
  let unavailable: string | undefined;
  try {
    if (await ensureSandboxBuilt(assetsDir)) log.info('sandbox built');
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    log.warn({ err: error }, 'the sandbox could not be built: / explains how to build it');
  }
  const stamp = unavailable
    ? ''
    : (JSON.parse(await readFile(join(assetsDir, 'stamp.json'), 'utf8')).stamp as string);

  const sendHtml = (response: ServerResponse, status: number, html: string) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
    });
    response.end(html);
  };

  return {
    async handle(request, response, path) {
      if (path === '/') {
        if (unavailable) sendHtml(response, 503, unavailablePage(unavailable));
        else sendHtml(response, 200, sandboxPage(stamp));
        return true;
      }
      const contentType = ASSETS[path];
      if (contentType && !unavailable) {
        const body = await readFile(join(assetsDir, path.slice('/sandbox/'.length)));
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
        response.end(body);
        return true;
      }
      if (path === '/sandbox/config' && request.method === 'GET') {
        const config: SandboxConfig = {
          identities: DEMO_IDENTITIES.map(({ id, label }) => ({ id, label })),
          // read on each request, so a regenerated manifest shows without a restart
          operations: readManifest().operations.map(({ name, type, body }) => ({
            name,
            type,
            body,
          })),
        };
        sendJson(response, 200, config);
        return true;
      }
      if (path === '/sandbox/token' && request.method === 'POST') {
        const body = parseJsonBody(await readBody(request), request.headers['content-type']);
        const identityId = (body as { identity?: unknown } | undefined)?.identity;
        const minted =
          typeof identityId === 'string' ? await mintDemoToken(identityId, jwt) : undefined;
        if (!minted) {
          throw new HttpError(
            400,
            'BAD_REQUEST',
            `identity must be one of: ${DEMO_IDENTITIES.map(({ id }) => id).join(', ')}`,
          );
        }
        const { identity, token } = minted;
        sendJson(response, 200, {
          token,
          identity: { id: identity.id, label: identity.label, subject: identity.subject },
        });
        return true;
      }
      return false;
    },
  };
}
