/** Time as the router reads it for token expiry: the real clock, or a test's. */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  /** runs `run` after `ms` and returns its cancel */
  schedule(run: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};
