/** How long a reserved SSE stream waits for its connection, and how many one address may hold. */
export interface ReservationLimits {
  /** a reservation (PUT) not connected (GET) within this time is released */
  ttlMs: number;
  /** reservations waiting for their connection, per client address */
  maxPerAddress: number;
  /** runs `release` after `ms` and returns its cancel; tests pass a clock of their own */
  schedule?: Schedule;
}

export type Schedule = (release: () => void, ms: number) => () => void;

const realTimer: Schedule = (release, ms) => {
  const timer = setTimeout(release, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export const DEFAULT_RESERVATION_LIMITS: ReservationLimits = { ttlMs: 30_000, maxPerAddress: 16 };

/**
 * The reservations of graphql-sse's "single connection" mode that are not connected yet. The
 * library keeps a reserved stream (and the events of operations already posted into it) until
 * its connection comes and goes: a client that reserves and never connects would make the
 * router hold them for ever. Here each one is released after `ttlMs`, and an address may hold
 * `maxPerAddress` at a time.
 */
export function createReservations({
  ttlMs,
  maxPerAddress,
  schedule = realTimer,
  release,
}: ReservationLimits & {
  /** ends the reserved stream `token` in the handler, and what it holds */
  release(token: string): Promise<void>;
}) {
  const waiting = new Map<string, { address: string; cancel: () => void }>();
  const perAddress = new Map<string, number>();

  const forget = (token: string) => {
    const reservation = waiting.get(token);
    if (!reservation) return false;
    reservation.cancel();
    waiting.delete(token);
    const left = (perAddress.get(reservation.address) ?? 1) - 1;
    if (left > 0) perAddress.set(reservation.address, left);
    else perAddress.delete(reservation.address);
    return true;
  };

  return {
    /** whether `address` may reserve another stream now */
    mayReserve: (address: string) => (perAddress.get(address) ?? 0) < maxPerAddress,
    /** a stream was reserved: released unless connected within the time allowed */
    reserved(token: string, address: string) {
      forget(token);
      const cancel = schedule(() => {
        if (forget(token)) void release(token);
      }, ttlMs);
      waiting.set(token, { address, cancel });
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    },
    /** its connection came: from now on the connection bounds the stream's life */
    connected: (token: string) => void forget(token),
  };
}
