// A subgraph for the server tests: a few lines of SDL and their resolvers, served in this
// process on a fresh test database and a free port, and a gate its resolvers can wait at.
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import {
  createSubgraphServer,
  type BaseContext,
  type DatabaseHandle,
  type Logger,
  type SubgraphServerOptions,
} from '../../src/index.js';
import { startTestSubgraph, type TestSubgraph } from '../../src/testing/index.js';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** What a test says of its server beyond the schema; the context is `base` unless it says. */
export type ServeOptions<Context extends BaseContext> = Omit<
  SubgraphServerOptions<Context>,
  'name' | 'typeDefs' | 'signingSecret' | 'log' | 'createContext'
> &
  Partial<Pick<SubgraphServerOptions<Context>, 'createContext'>>;

/**
 * Starts the subgraph `name` on a fresh test database `database`, serving `sdl` under the
 * federation link; `serve` gives its resolvers and other options, from its database and logger.
 */
export function startSdlSubgraph<Context extends BaseContext = BaseContext>({
  database,
  name,
  sdl,
  serve,
}: {
  database: string;
  name: string;
  sdl: string;
  serve: (options: {
    handle: DatabaseHandle;
    log: Logger;
  }) => ServeOptions<Context> | Promise<ServeOptions<Context>>;
}): Promise<TestSubgraph> {
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    ${sdl}
  `);
  return startTestSubgraph({
    name: database,
    migrationsFolder,
    createServer: async ({ handle, signingSecret, log }) => {
      const { createContext = (base) => base as Context, ...options } = await serve({
        handle,
        log,
      });
      return createSubgraphServer<Context>({
        ...options,
        name,
        typeDefs,
        signingSecret,
        log,
        createContext,
      });
    },
  });
}

export interface Gate {
  /** how many callers have reached the gate so far */
  readonly reached: number;
  /** counts the caller, then waits until the gate opens */
  pass(): Promise<void>;
  /** lets every caller through, now and from now on */
  open(): void;
}

/** A gate that holds resolvers mid-request until the test opens it. */
export function createGate(): Gate {
  let reached = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    get reached() {
      return reached;
    },
    pass() {
      reached++;
      return opened;
    },
    open: () => open(),
  };
}
