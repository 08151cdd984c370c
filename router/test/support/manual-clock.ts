import type { Clock } from '../../src/clock.js';

/** A clock that moves only when the test moves it; its timers fire then, in the order due. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  const pending = new Set<{ at: number; run: () => void }>();
  return {
    now: () => now,
    schedule(run, ms) {
      // already due (the clock was moved before this was scheduled): runs soon, as a timer would
      if (ms <= 0) {
        const soon = setImmediate(run);
        return () => clearImmediate(soon);
      }
      const timer = { at: now + ms, run };
      pending.add(timer);
      return () => void pending.delete(timer);
    },
    advance(ms) {
      now += ms;
      const due = [...pending].filter((timer) => timer.at <= now).sort((a, b) => a.at - b.at);
      for (const timer of due) {
        pending.delete(timer);
        timer.run();
      }
    },
  };
}
