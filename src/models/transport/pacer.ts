// Requests/min as even spacing between request starts. Bottleneck was measured first and dropped:
// its scheduler cost about 4.7 ms per job (640 jobs of 5 ms at concurrency 16 took 3 s instead of 0.2 s),
// which alone would cap a provider at a few hundred requests per second of harness time.
import { sleep as realSleep } from './sleep.js';

/** The clock and the wait a pacer uses: the real ones, or a test's. */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_CLOCK: PacerClock = { now: () => performance.now(), sleep: realSleep };

export class Pacer {
  /** When the latest request actually started (not when it was scheduled to). */
  private lastStart = -Infinity;
  /** The waiters in call order: each starts only after the one before it has started. */
  private queue: Promise<void> = Promise.resolve();

  /** `intervalMs` between starts; 0 for no pacing. */
  constructor(
    readonly intervalMs: number,
    private readonly clock: PacerClock = REAL_CLOCK,
  ) {}

  /**
   * Wait for this request's start slot. Starts are handed out in call order, at least one interval
   * after the previous *actual* start: a timer that fires late (a busy event loop) delays the requests
   * behind it instead of letting them through in a burst.
   */
  wait(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs <= 0) return Promise.resolve();
    const turn = this.queue.then(async () => {
      for (;;) {
        const delay = this.lastStart + this.intervalMs - this.clock.now();
        if (delay <= 0) break;
        await this.clock.sleep(delay, signal);
      }
      this.lastStart = this.clock.now();
    });
    // An aborted waiter gives its turn to the next one, and its caller hears of the abort at once.
    this.queue = turn.catch(() => undefined);
    if (!signal) return turn;
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    return Promise.race([turn, aborted]);
  }
}
