import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import type { Logger } from '@ordergraph/shared/logging';
import { enforcedByTheRouter } from '../supergraph-features.js';

export interface SupergraphWatcher {
  close(): void;
}

/**
 * Watches the supergraph file and hands each new, valid version to `reload`; a file that does
 * not parse as a supergraph is logged and the router keeps the one it serves. The directory is
 * watched, not the file, because editors and `mv` replace the file rather than write into it.
 */
export function watchSupergraph({
  path,
  initialSdl,
  reload,
  log,
  debounceMs = 100,
}: {
  path: string;
  /** the supergraph the router started with: an unchanged file is not reloaded */
  initialSdl: string;
  reload: (sdl: string) => void;
  log: Logger;
  debounceMs?: number;
}): SupergraphWatcher {
  let servedHash = hash(initialSdl);
  let timer: NodeJS.Timeout | undefined;
  let checking = Promise.resolve();
  const check = async () => {
    const sdl = await readFile(path, 'utf8').catch(() => null);
    if (sdl === null || hash(sdl) === servedHash) return;
    servedHash = hash(sdl);
    try {
      // the gateway would fail on the new schema later, on a request; refuse it here instead
      const supergraph = Supergraph.build(enforcedByTheRouter(sdl), { validateSupergraph: true });
      supergraph.subgraphs();
      supergraph.apiSchema();
    } catch (error) {
      log.error({ err: error, path }, 'supergraph file is invalid: still serving the previous one');
      return;
    }
    try {
      reload(sdl);
      log.info({ path }, 'supergraph file changed: reloaded');
    } catch (error) {
      log.error({ err: error, path }, 'supergraph reload failed: still serving the previous one');
    }
  };
  const watcher: FSWatcher = watch(dirname(path), (_event, file) => {
    if (file !== null && file !== basename(path)) return;
    clearTimeout(timer);
    // one reload per save, however many events the write makes
    timer = setTimeout(() => {
      checking = checking.then(check, check);
    }, debounceMs);
  });
  watcher.on('error', (error) => log.error({ err: error, path }, 'supergraph watch failed'));
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
