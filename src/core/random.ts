// Seeded pseudo-random numbers: the same seed string always gives the same sequence,
// so simulated samples and shuffles are reproducible from their inputs alone.
import { createHash } from 'node:crypto';

export type Random = () => number;

/** mulberry32 over a 32-bit seed derived from sha256 of the parts. Uniform in [0, 1). */
export function seededRandom(...parts: Array<string | number>): Random {
  let state = createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)];
}

/**
 * A uniform sample of at most `size` of the items offered one at a time (reservoir sampling, Vitter's
 * algorithm R): after n offers every item is in it with probability size / n, whatever n, and only
 * `size` items are ever held. The same seed and offers give the same sample, in the order offered.
 */
export class Reservoir<T> {
  #items: T[] = [];
  /** Per item, when it was offered (the sample is returned in that order). */
  #offeredAt: number[] = [];
  #seen = 0;

  constructor(
    readonly size: number,
    private readonly random: Random,
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`Reservoir: size ${size} is not a whole number of at least 1`);
  }

  /** Items offered so far. */
  get offered(): number {
    return this.#seen;
  }

  offer(item: T): void {
    const at = this.#seen++;
    if (at < this.size) {
      this.#items.push(item);
      this.#offeredAt.push(at);
      return;
    }
    const j = Math.floor(this.random() * (at + 1));
    if (j < this.size) {
      this.#items[j] = item;
      this.#offeredAt[j] = at;
    }
  }

  /** The sample, in the order its items were offered. */
  items(): T[] {
    return this.#items.map((item, j) => ({ item, at: this.#offeredAt[j] })).sort((x, y) => x.at - y.at).map(({ item }) => item);
  }
}
