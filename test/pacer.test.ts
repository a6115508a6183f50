// The requests/min pacer on a fake clock: what it schedules, not what a loaded machine's timers do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pacer, type PacerClock } from '../src/models/transport/pacer.js';

/** A clock whose sleeps can overshoot, as timers do on a busy event loop. */
function fakeClock(overshoot: (i: number) => number = () => 0) {
  let now = 0;
  let sleeps = 0;
  const clock: PacerClock = {
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      now += ms + overshoot(sleeps++);
    },
  };
  return { clock, advance: (ms: number) => (now += ms), get now() { return now; } };
}

async function startsOf(pacer: Pacer, clock: { now: number }, n: number): Promise<number[]> {
  const starts: number[] = [];
  await Promise.all(Array.from({ length: n }, () => pacer.wait().then(() => starts.push(clock.now))));
  return starts;
}

describe('requests/min pacer', () => {
  it('spaces 25 requests one interval apart, in call order, the first at once', async () => {
    const c = fakeClock();
    const starts = await startsOf(new Pacer(100, c.clock), c, 25);
    assert.deepEqual(starts, Array.from({ length: 25 }, (_, i) => i * 100));
  });

  it('600/min never puts more than 10 starts in any 1,000 ms window', async () => {
    const c = fakeClock();
    const interval = 60_000 / (0.95 * 600);
    const starts = await startsOf(new Pacer(interval, c.clock), c, 40);
    for (const t of starts) assert.ok(starts.filter((s) => s >= t && s < t + 1000).length <= 10);
  });

  it('a timer that fires late delays the requests behind it: no burst after a stall', async () => {
    // The third sleep overshoots by 2 s (a stalled event loop): the old slot-in-advance pacer then let
    // every overdue request through at once.
    const c = fakeClock((i) => (i === 2 ? 2000 : 0));
    const starts = await startsOf(new Pacer(100, c.clock), c, 12);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 100, `gap ${starts[i] - starts[i - 1]} before start ${i}`);
    assert.equal(starts[3] - starts[2], 2100, 'the late start is followed by a full interval');
  });

  it('a request arriving after a quiet spell starts at once', async () => {
    const c = fakeClock();
    const pacer = new Pacer(100, c.clock);
    await pacer.wait();
    c.advance(500);
    const before = c.now;
    await pacer.wait();
    assert.equal(c.now, before);
  });

  it('no pacing at interval 0', async () => {
    const c = fakeClock();
    const starts = await startsOf(new Pacer(0, c.clock), c, 5);
    assert.deepEqual(starts, [0, 0, 0, 0, 0]);
  });

  it('an aborted waiter rejects at once and gives its turn to the next', async () => {
    const c = fakeClock();
    const pacer = new Pacer(100, c.clock);
    await pacer.wait();
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    await assert.rejects(pacer.wait(controller.signal), /gave up/);
    const before = c.now;
    await pacer.wait();
    assert.equal(c.now - before, 100, 'the next request waits one interval after the last real start');
  });
});
