import { signViewer, type Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

// the router proves itself to a subgraph when it connects; each subscription then carries the
// signed identity of the end user it runs for, so one socket serves every user
const ROUTER_VIEWER: Viewer = { subject: 'router', roles: ['service'] };

export interface UpstreamHandlers {
  next(result: FormattedExecutionResult): void;
  /** the subgraph refused the subscription (GraphQL errors): final */
  refused(errors: readonly { message: string; extensions?: Record<string, unknown> }[]): void;
  /** the connection to the subgraph failed or dropped: the caller may subscribe again */
  interrupted(reason: string): void;
  complete(): void;
}

export interface UpstreamRequest {
  query: string;
  variables: Record<string, unknown>;
  viewer: Viewer;
  requestId: string;
}

/** graphql-ws connections to the subgraphs, one multiplexed socket per subgraph. */
export class UpstreamConnections {
  private readonly clients = new Map<string, Client>();
  private opened = 0;
  private active = 0;
  private events = 0;

  constructor(
    private readonly options: {
      subgraphUrls: Record<string, string>;
      signingSecret: string;
      log: Logger;
    },
  ) {}

  /** upstream subscriptions opened so far, and open now */
  get stats() {
    return { opened: this.opened, active: this.active, events: this.events };
  }

  subscribe(subgraph: string, request: UpstreamRequest, handlers: UpstreamHandlers): () => void {
    const client = this.clientFor(subgraph);
    this.opened++;
    this.active++;
    let finished = false;
    const finish = () => {
      if (finished) return false;
      finished = true;
      this.active--;
      return true;
    };
    const headers = {
      ...signViewer(request.viewer, { secret: this.options.signingSecret }),
      'x-request-id': request.requestId,
    };
    const unsubscribe = client.subscribe(
      { query: request.query, variables: request.variables, extensions: { headers } },
      {
        next: (result) => {
          if (finished) return;
          this.events++;
          handlers.next(result as FormattedExecutionResult);
        },
        error: (error) => {
          if (!finish()) return;
          if (Array.isArray(error)) handlers.refused(error);
          else handlers.interrupted(describeFailure(error));
        },
        complete: () => {
          if (finish()) handlers.complete();
        },
      },
    );
    return () => {
      if (finish()) unsubscribe();
    };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }

  private clientFor(subgraph: string): Client {
    const existing = this.clients.get(subgraph);
    if (existing) return existing;
    const httpUrl = this.options.subgraphUrls[subgraph];
    if (!httpUrl) throw new Error(`no URL for subgraph ${subgraph}`);
    const client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: () => signViewer(ROUTER_VIEWER, { secret: this.options.signingSecret }),
      lazy: true,
      // a short grace before closing an idle socket: the next subscriber often comes at once
      lazyCloseTimeout: 1_000,
      keepAlive: 10_000,
      // the shared subscription resumes from its last cursor itself; a silent library retry
      // would resubscribe from the first one and replay what was already delivered
      retryAttempts: 0,
      on: {
        closed: (event) =>
          this.options.log.debug({ subgraph, reason: describeFailure(event) }, 'upstream closed'),
      },
    });
    this.clients.set(subgraph, client);
    return client;
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `socket closed (${code}${reason ? `: ${reason}` : ''})`;
  }
  return 'connection failed';
}
