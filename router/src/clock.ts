/** Time as the router reads it for token expiry: the real clock, or a test's. */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  /** runs `run` after `ms` and returns its cancel */
  schedule(run: () => void, ms: number): () => void;
}

// the longest wait one setTimeout holds (about 24.8 days): a longer one fires at once
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => Date.now(),
  schedule(run, ms) {
    // a token valid for a month is waited for in steps, not ended a millisecond after it starts
    let timer: NodeJS.Timeout;
    const wait = (left: number) => {
      timer = setTimeout(
        () => (left > LONGEST_TIMER_MS ? wait(left - LONGEST_TIMER_MS) : run()),
        Math.min(left, LONGEST_TIMER_MS),
      );
    };
    wait(ms);
    return () => clearTimeout(timer);
  },
};
