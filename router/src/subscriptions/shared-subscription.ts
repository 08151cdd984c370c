import type { Viewer } from '@ordergraph/shared/identity';
import type { Logger } from '@ordergraph/shared/logging';
import type { DocumentNode, ExecutionResult, FormattedExecutionResult } from 'graphql';
import { Channel } from './channel.js';
import type { EventExecutor } from './event-execution.js';
import { subscriptionError } from './errors.js';
import { CURSOR_ALIAS, upstreamVariables, type SubscriptionPlan } from './plan.js';
import type { UpstreamConnections } from './upstream.js';

export interface SharedSubscriptionRequest {
  plan: SubscriptionPlan;
  /** the cursor the clients resume from, null for live updates only */
  initialAfter: string | null;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  viewer: Viewer;
  requestId: string;
  log: Logger;
}

export interface SharedSubscriptionDeps {
  upstream: UpstreamConnections;
  executor: EventExecutor;
  /** called once when the subscription ends, for whatever reason */
  onEnd: (subscription: SharedSubscription) => void;
  /** updates a client may have unread before it is dropped */
  maxBacklog: number;
  /** updates kept for late joiners of a resumed stream */
  historyLimit: number;
}

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * One upstream subscription shared by every client with the same operation, variables and
 * identity: each event is executed once (one entity fetch per subgraph) and fanned out.
 */
export class SharedSubscription {
  private readonly subscribers = new Set<Channel<ExecutionResult>>();
  // a stream resumed from a cursor replays from there: a late joiner with the same cursor must
  // see what the others saw, so the results are kept (up to a limit, then no one else joins)
  private history: ExecutionResult[] | null;
  private lastCursor: string | null;
  private cancelUpstream: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private delivering: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly request: SharedSubscriptionRequest,
    private readonly deps: SharedSubscriptionDeps,
  ) {
    const resumed = request.plan.resumable && request.initialAfter !== null;
    this.history = resumed ? [] : null;
    this.lastCursor = request.initialAfter;
    this.open();
  }

  /** whether a new client may share this stream and see everything it should */
  get joinable(): boolean {
    if (this.ended) return false;
    return this.request.initialAfter === null || this.history !== null;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  join(): Channel<ExecutionResult> {
    const channel: Channel<ExecutionResult> = new Channel(() => this.leave(channel));
    for (const result of this.history ?? []) channel.push(result);
    this.subscribers.add(channel);
    return channel;
  }

  /** ends the stream for every client with a last result (shutdown, reload) */
  closeWith(result: ExecutionResult): void {
    for (const channel of [...this.subscribers]) channel.finish(result);
    this.end();
  }

  private leave(channel: Channel<ExecutionResult>): void {
    this.subscribers.delete(channel);
    // nobody listens: the upstream stream is closed at once
    if (this.subscribers.size === 0) this.end();
  }

  private open(): void {
    const { plan, variables, viewer, requestId } = this.request;
    this.cancelUpstream = this.deps.upstream.subscribe(
      plan.subgraph,
      {
        query: plan.upstreamQuery,
        variables: upstreamVariables(plan, variables, this.lastCursor),
        viewer,
        requestId,
      },
      {
        next: (event) => this.receive(event),
        refused: (errors) => {
          // the subgraph dropped us for reading too slowly: nothing is lost, resume from the cursor
          const overflow = errors.every((e) => e.extensions?.['code'] === 'SUBSCRIPTION_OVERFLOW');
          if (overflow && plan.resumable) this.interrupted('the subgraph dropped a slow reader');
          else this.finish({ errors: errors.map(subscriptionError.fromFormatted) });
        },
        interrupted: (reason) => this.interrupted(reason),
        complete: () => this.finish(null),
      },
    );
  }

  private receive(event: FormattedExecutionResult): void {
    this.failures = 0;
    const root = event.data?.[this.request.plan.rootResponseKey] as
      Record<string, unknown> | null | undefined;
    const cursor = root?.[CURSOR_ALIAS];
    if (typeof cursor === 'string') this.lastCursor = cursor;
    // events execute one after another: clients see them in the order the subgraph sent them
    this.delivering = this.delivering
      .then(async () => {
        const result: ExecutionResult = event.data
          ? await this.deps.executor.execute({
              ...this.request,
              context: {
                viewer: this.request.viewer,
                requestId: this.request.requestId,
                log: this.request.log,
              },
              event,
            })
          : { errors: (event.errors ?? []).map(subscriptionError.fromFormatted) };
        this.broadcast(result, { keep: true });
      })
      .catch((error: unknown) => {
        this.request.log.error({ err: error }, 'subscription event failed');
        this.broadcast(
          { errors: [subscriptionError('Unexpected error.', 'INTERNAL_SERVER_ERROR')] },
          { keep: false },
        );
      });
  }

  private broadcast(result: ExecutionResult, { keep }: { keep: boolean }): void {
    if (this.ended) return;
    if (keep && this.history) {
      this.history.push(result);
      if (this.history.length > this.deps.historyLimit) this.history = null;
    }
    for (const channel of [...this.subscribers]) {
      if (channel.backlog >= this.deps.maxBacklog) {
        // a client that does not read is dropped, not buffered without bound
        channel.finish({
          errors: [
            subscriptionError(
              'The client fell too far behind; resubscribe with the last cursor.',
              'SUBSCRIPTION_OVERFLOW',
            ),
          ],
        });
      } else channel.push(result);
    }
  }

  private interrupted(reason: string): void {
    this.cancelUpstream = null;
    if (this.ended) return;
    const { subgraph } = this.request.plan;
    this.request.log.warn({ subgraph, reason }, 'upstream subscription interrupted; resuming');
    this.delivering = this.delivering.then(() =>
      this.broadcast(
        {
          errors: [
            subscriptionError(
              `The ${subgraph} service is unavailable; updates resume when it returns.`,
              'SUBGRAPH_UNAVAILABLE',
              { subgraph },
            ),
          ],
        },
        { keep: false },
      ),
    );
    this.failures++;
    const wait = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.ended) this.open();
    }, wait);
  }

  /** the upstream ended (refused or completed): every client ends after what is pending */
  private finish(last: ExecutionResult | null): void {
    this.cancelUpstream = null;
    this.delivering = this.delivering.then(() => {
      if (this.ended) return;
      for (const channel of [...this.subscribers]) channel.finish(last ?? undefined);
      this.end();
    });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.cancelUpstream?.();
    this.cancelUpstream = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.deps.onEnd(this);
  }
}
