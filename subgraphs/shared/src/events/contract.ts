import { z } from 'zod';
import { ACTOR_KINDS } from '../actor.js';
import type { ConsumedEvent } from '../event-consumer.js';
import type { NewEvent } from '../event-log.js';

/** One event type of a contract: the shape of its payload, and the version of that shape. */
export interface EventSpec<S extends z.ZodType = z.ZodType> {
  version: number;
  payload: S;
}

/** An event type's entry in a contract: `versioned(1, z.object({ ... }))`. */
export const versioned = <S extends z.ZodType>(version: number, payload: S): EventSpec<S> => ({
  version,
  payload,
});

/** An event as a producer writes it: the payload is what the contract says for its type. */
export type ContractNewEvent<E extends Record<string, EventSpec>, T extends keyof E & string> = {
  streamType: string;
  streamId: string;
  type: T;
  payload: z.input<E[T]['payload']>;
};

/**
 * What a producer emits, by event type: the one place consumers in other services learn the
 * payloads from. Producers append through `event()`, so a payload off the contract does not
 * type-check; consumers read through `readEvent`, which parses with the same schemas.
 */
export interface EventContract<E extends Record<string, EventSpec> = Record<string, EventSpec>> {
  /** the producing service */
  producer: string;
  events: E;
  /** an event to append (see appendEvent), its payload checked against its type's schema */
  event<T extends keyof E & string>(event: ContractNewEvent<E, T>): NewEvent;
}

/** Declares what `producer` emits. */
export function defineEventContract<const E extends Record<string, EventSpec>>(
  producer: string,
  events: E,
): EventContract<E> {
  return {
    producer,
    events,
    event: ({ streamType, streamId, type, payload }) => ({
      streamType,
      streamId,
      type,
      payload: payload as Record<string, unknown>,
    }),
  };
}

/** The event types of a contract. */
export type EventTypeOf<C extends EventContract> = keyof C['events'] & string;

/** The payload of an event type as a consumer reads it. */
export type PayloadOf<C extends EventContract, T extends EventTypeOf<C>> = z.output<
  C['events'][T]['payload']
>;

/** An event read through its producer's contract: one member per event type. */
export type ContractEvent<C extends EventContract, T extends EventTypeOf<C> = EventTypeOf<C>> = {
  [K in T]: Omit<ConsumedEvent, 'type' | 'payload'> & {
    type: K;
    /** the version of the payload's shape in the contract that read it */
    version: number;
    payload: PayloadOf<C, K>;
  };
}[T];

/** What `readEvent` makes of an event: the event, or why it cannot be read. */
export type ReadEvent<C extends EventContract> =
  { ok: true; event: ContractEvent<C> } | { ok: false; reason: string };

/**
 * Reads an event through its producer's contract: a type the contract does not know, or a
 * payload off its schema, is an event the caller cannot read (and must not silently skip).
 */
export function readEvent<C extends EventContract>(contract: C, raw: ConsumedEvent): ReadEvent<C> {
  if (!Object.hasOwn(contract.events, raw.type)) {
    return { ok: false, reason: `${contract.producer} declares no event ${raw.type}` };
  }
  const spec = contract.events[raw.type]!;
  const parsed = spec.payload.safeParse(raw.payload);
  if (!parsed.success) {
    return { ok: false, reason: z.prettifyError(parsed.error) };
  }
  return {
    ok: true,
    event: { ...raw, version: spec.version, payload: parsed.data } as ContractEvent<C>,
  };
}

/** An event's type and payload as its contract reads them: one member per event type. */
export type StoredEvent<C extends EventContract, T extends EventTypeOf<C> = EventTypeOf<C>> = {
  [K in T]: { type: K; payload: PayloadOf<C, K> };
}[T];

/**
 * An event of the log read through its contract, or null when it is off the contract: for
 * code that shows events (a timeline) rather than acts on them, and words the rest plainly.
 */
export function readStoredEvent<C extends EventContract>(
  contract: C,
  { type, payload }: { type: string; payload: unknown },
): StoredEvent<C> | null {
  if (!Object.hasOwn(contract.events, type)) return null;
  const parsed = contract.events[type]!.payload.safeParse(payload);
  return parsed.success ? ({ type, payload: parsed.data } as StoredEvent<C>) : null;
}

// common parts of payloads

/** Who caused the change (see actor.ts); optional, as older events lack it. */
export const actorSchema = z.object({
  kind: z.enum(ACTOR_KINDS),
  id: z.string().nullable(),
  name: z.string().nullable(),
});

/** An amount in minor units. */
export const minorUnits = z.number().int();
