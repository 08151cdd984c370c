import { createHash } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { Channel } from './channel.js';
import {
  SharedSubscription,
  type SharedSubscriptionDeps,
  type SharedSubscriptionRequest,
} from './shared-subscription.js';

/**
 * The live shared subscriptions by what makes their results identical: the operation, its
 * variables and the identity it runs as. Clients with the same key share one upstream stream.
 */
export class SubscriptionHub {
  private readonly shared = new Map<string, SharedSubscription>();
  private readonly all = new Set<SharedSubscription>();

  constructor(private readonly deps: Omit<SharedSubscriptionDeps, 'onEnd'>) {}

  subscribe(key: string, request: SharedSubscriptionRequest): Channel<ExecutionResult> {
    let subscription = this.shared.get(key);
    if (!subscription?.joinable) {
      subscription = new SharedSubscription(request, {
        ...this.deps,
        onEnd: (ended) => {
          this.all.delete(ended);
          if (this.shared.get(key) === ended) this.shared.delete(key);
        },
      });
      this.shared.set(key, subscription);
      this.all.add(subscription);
    }
    return subscription.join();
  }

  /** ends every live subscription with a last result telling clients why */
  closeAll(last: ExecutionResult): void {
    for (const subscription of [...this.all]) subscription.closeWith(last);
  }

  get stats() {
    let clients = 0;
    for (const subscription of this.all) clients += subscription.subscriberCount;
    return { sharedSubscriptions: this.all.size, clients };
  }
}

/** the sharing key: the same document, operation, variables and viewer give the same results */
export function sharingKey(parts: {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  viewer: unknown;
}): string {
  return createHash('sha256')
    .update(stableJson([parts.query, parts.operationName ?? null, parts.variables, parts.viewer]))
    .digest('base64url');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
