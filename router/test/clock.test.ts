import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { realClock } from '../src/clock.js';

describe('the real clock', () => {
  it('runs what is due, and nothing once cancelled', async () => {
    const ran: string[] = [];
    realClock.schedule(() => ran.push('due'), 1);
    const cancel = realClock.schedule(() => ran.push('cancelled'), 2);
    cancel();
    // timers run in the order they are due: this one comes after both
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(ran, ['due']);
  });

  it('waits past the 24.8 days one timer holds (a token valid for a month)', async () => {
    let ran = false;
    const cancel = realClock.schedule(() => (ran = true), 30 * 86_400_000);
    // a wait too long for one timer is cut to 1 ms by node: it would run before this one
    await new Promise((resolve) => setTimeout(resolve, 5));
    cancel();
    assert.equal(ran, false);
  });
});
