import type { BaseContext, Database, EventFeed, EventTail } from '@ordergraph/shared';
import type { OrderCancellation } from './cancel-order.js';
import { createLifecycleLoaders, type LifecycleLoaders } from './lifecycle.loaders.js';
import { createLifecycleRepository } from './lifecycle.repository.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createNoteLoaders, type NoteLoaders } from './notes.loaders.js';
import { createNotesRepository } from './notes.repository.js';
import { createOrdersRepository, type OrdersRepository } from './orders.repository.js';
import type { OrderPlacement } from './place-order.js';
import type { RefundFlow } from './refund-flow.js';
import type { ReturnFlows } from './return-flows.js';
import { createReturnLoaders, type ReturnLoaders } from './returns.loaders.js';
import { createReturnsRepository } from './returns.repository.js';

export interface Context extends BaseContext {
  db: Database;
  orders: OrdersRepository;
  loaders: Loaders & ReturnLoaders & LifecycleLoaders & NoteLoaders;
  placement: OrderPlacement;
  cancellation: OrderCancellation;
  returnFlows: ReturnFlows;
  refunds: RefundFlow;
  /** this service's event log as other services read it */
  feed: EventFeed;
  /** this process's reader of new events, which feeds subscriptions */
  tail: EventTail;
}

/** Builds the per-request context: repository and fresh loaders. */
export function createContext({
  db,
  placement,
  cancellation,
  returnFlows,
  refunds,
  feed,
  tail,
  ...base
}: BaseContext & {
  db: Database;
  placement: OrderPlacement;
  cancellation: OrderCancellation;
  returnFlows: ReturnFlows;
  refunds: RefundFlow;
  feed: EventFeed;
  tail: EventTail;
}): Context {
  const orders = createOrdersRepository({ db });
  const loaders = {
    ...createLoaders(orders),
    ...createReturnLoaders(createReturnsRepository({ db })),
    ...createLifecycleLoaders(createLifecycleRepository({ db })),
    ...createNoteLoaders(createNotesRepository({ db })),
  };
  return {
    ...base,
    db,
    orders,
    placement,
    cancellation,
    returnFlows,
    refunds,
    feed,
    tail,
    loaders,
  };
}
