// The word lists of the report's search index while it is built (report/searchIndex.ts): per word,
// the positions of the rows that hold it, ascending, under a memory budget.
//
// In memory a word's list is delta varints (LEB128) grown in place or, once those would take more
// than a bitset over the rows the list covers, that bitset (so a word in most transcripts costs a bit
// per transcript, not a byte). When the lists in memory pass the budget, the largest are appended to
// a scratch file (core/scratchFile.ts, opened at the first spill) as *segments* until half the budget
// is left, and start again empty: a word's rows are its segments' rows in order, then its list in
// memory's. Varint deltas carry on across segments (a segment's first delta is from the word's last
// row before it), so a word whose segments are all varints has, end to end, the varints of its whole
// list. A segment is written with a 16-byte head: where the word's segment before it is, and the base
// of its bitset (or -1: varints); so the segments of a word are a chain in the file, read back from the
// last, and memory holds nothing per segment. Besides the lists, memory holds per word its name and a
// few numbers: its last row, the varint bytes of its whole list (what the index's encoded length
// needs, so cutting the shards reads nothing back) and where its last segment is. So with a fixed
// vocabulary, what the builder holds does not grow with the rows.
import { ScratchFile } from '../core/scratchFile.js';

const EMPTY = new Uint8Array(0);
/** A list's buffer grows by doubling, by at most this much at once: what the lists may pass the budget by inside one add. */
const GROW_STEP = 64 * 1024;
/** A segment's head: the word's segment before it (position, float64, -1: none; length with its head, int32), its bitset base (int32, -1: varints). */
const HEAD = 16;
/** Spilled segments are written in batches of about this many bytes. */
const WRITE_BATCH = 256 * 1024;

/** A copy of `bytes` with room for at least `needed` (doubling, by GROW_STEP at most). */
function grow(bytes: Uint8Array, needed: number): Uint8Array {
  const grown = new Uint8Array(Math.max(needed, Math.min(bytes.length * 2, bytes.length + GROW_STEP)));
  grown.set(bytes);
  return grown;
}

/** Bytes of `delta` as a LEB128 varint. */
export function varintLength(delta: number): number {
  let length = 1;
  for (; delta >= 0x80; delta >>>= 7) length++;
  return length;
}

/** The rows of delta varints that carry on from row `from`. */
export function* decodeVarints(bytes: Uint8Array, from = -1): Generator<number> {
  let row = from;
  let delta = 0;
  let shift = 0;
  for (const byte of bytes) {
    delta |= (byte & 0x7f) << shift;
    if (byte & 0x80) {
      shift += 7;
      continue;
    }
    row += delta;
    yield row;
    delta = 0;
    shift = 0;
  }
}

/** The rows set in a bitset whose first byte holds rows base*8 to base*8+7, ascending. */
export function* bitsetRows(bits: Uint8Array, base = 0): Generator<number> {
  for (let at = 0; at < bits.length; at++) {
    const byte = bits[at];
    if (byte) for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) yield (base + at) * 8 + bit;
  }
}

/** One word: its list in memory, and what it keeps of its segments and whole list. */
class WordList {
  /** The word's last row before this list in memory (-1 when none): its varints' first delta is from it. */
  prev = -1;
  /** The word's last row. */
  last = -1;
  /** Bytes of the word's whole list as delta varints from -1 (segments and memory). */
  varintBytes = 0;
  bytes: Uint8Array = EMPTY;
  length = 0;
  /** The bitset, once the varints would be larger; its first byte is row base*8's. */
  bits: Uint8Array | undefined;
  base = 0;
  /** The word's last segment in the scratch file: its position (-1: none) and length, head included. */
  lastSegmentAt = -1;
  lastSegmentLength = 0;

  add(row: number): void {
    let delta = row - this.last;
    this.varintBytes += varintLength(delta);
    this.last = row;
    if (this.bits) {
      const at = (row >> 3) - this.base;
      if (at >= this.bits.length) this.bits = grow(this.bits, at + 1);
      this.bits[at] |= 1 << (row & 7);
      return;
    }
    if (this.length === 0) this.base = row >> 3;
    if (this.length + 5 > this.bytes.length) this.bytes = grow(this.bytes, this.length + 5);
    while (delta >= 0x80) {
      this.bytes[this.length++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    this.bytes[this.length++] = delta;
    if (this.length > 64 && this.length > (row >> 3) - this.base + 1) {
      const bits = new Uint8Array(this.bytes.length);
      for (const at of decodeVarints(this.bytes.subarray(0, this.length), this.prev)) bits[(at >> 3) - this.base] |= 1 << (at & 7);
      this.bits = bits;
      this.bytes = EMPTY;
      this.length = 0;
    }
  }

  /** Whether adding `row` would grow the bitset by more than GROW_STEP (a word back after many rows). */
  leaps(row: number): boolean {
    return this.bits !== undefined && (row >> 3) - this.base + 1 > this.bits.length + GROW_STEP;
  }

  /** What a segment of the list in memory holds: the varints, or the bitset up to the last row. */
  get data(): Uint8Array {
    return this.bits ? this.bits.subarray(0, (this.last >> 3) - this.base + 1) : this.bytes.subarray(0, this.length);
  }

  /** The rows of the list in memory. */
  rows(): Generator<number> {
    return this.bits ? bitsetRows(this.data, this.base) : decodeVarints(this.data, this.prev);
  }

  /** Empty the list in memory (its rows are in a segment now). */
  clear(): void {
    this.prev = this.last;
    this.bytes = EMPTY;
    this.length = 0;
    this.bits = undefined;
  }

  /** Bytes the list in memory takes (its buffer). */
  get byteLength(): number {
    return this.bits ? this.bits.byteLength : this.bytes.byteLength;
  }
}

/** What spilling has done so far (for tests and benches). */
export interface SpillCounts {
  /** Times the lists in memory passed the budget. */
  spills: number;
  /** Segments written, and of those bitsets. */
  segments: number;
  bitsetSegments: number;
  /** Bytes in the scratch file, segments' heads included (0: none was opened). */
  scratchBytes: number;
}

/** Every word's rows, added in ascending row order, with at most `budget` bytes of lists in memory between adds. */
export class PostingLists {
  private readonly lists = new Map<string, WordList>();
  /** The lists with rows in memory (what a spill looks through). */
  private readonly held = new Set<WordList>();
  private segments = 0;
  private bitsetSegments = 0;
  private scratch: ScratchFile | undefined;
  private scratchBytes = 0;
  private spills = 0;
  /** What the lists in memory take, kept as they grow (bytes sums them). */
  private resident = 0;

  constructor(private readonly budget: number) {}

  /** Distinct words held. */
  get words(): number {
    return this.lists.size;
  }

  /** Bytes the lists in memory take (their buffers): at most the budget between adds (inside one, GROW_STEP more at most). */
  get bytes(): number {
    let sum = 0;
    for (const list of this.lists.values()) sum += list.byteLength;
    return sum;
  }

  get spilled(): SpillCounts {
    return { spills: this.spills, segments: this.segments, bitsetSegments: this.bitsetSegments, scratchBytes: this.scratchBytes };
  }

  /** Add `row` to `word`'s list (rows come in ascending order; the same row twice counts once). */
  add(word: string, row: number): void {
    let list = this.lists.get(word);
    if (!list) this.lists.set(word, (list = new WordList()));
    if (list.last === row) return;
    // Its bitset would leap past the budget's slack: the list goes out first and starts again at this row.
    if (list.leaps(row)) this.spill([list], -1);
    this.held.add(list);
    const before = list.byteLength;
    list.add(row);
    this.resident += list.byteLength - before;
    if (this.resident > this.budget) {
      this.spill(
        [...this.held].sort((a, b) => b.byteLength - a.byteLength),
        this.budget / 2,
      );
    }
  }

  /** The words, sorted. */
  sortedWords(): string[] {
    return [...this.lists.keys()].sort();
  }

  /** Bytes of a word's whole list as delta varints (what the index's encoding is chosen by). */
  varintBytes(word: string): number {
    return this.lists.get(word)!.varintBytes;
  }

  /**
   * A word's rows, as a function that yields them ascending each time it is called, and its list's
   * varint bytes; its segments are read once, now, and the word is dropped.
   */
  take(word: string): { rows: () => Generator<number>; varintBytes: number } {
    const list = this.lists.get(word)!;
    this.lists.delete(word);
    this.held.delete(list);
    this.resident -= list.byteLength;
    // The chain, from the last segment back to the first.
    const chain: Array<{ base: number; data: Uint8Array }> = [];
    for (let at = list.lastSegmentAt, length = list.lastSegmentLength; at >= 0; ) {
      const segment = new Uint8Array(length);
      this.scratch!.read(segment, at);
      const head = new DataView(segment.buffer, 0, HEAD);
      chain.push({ base: head.getInt32(12, true), data: segment.subarray(HEAD) });
      at = head.getFloat64(0, true);
      length = head.getInt32(8, true);
    }
    chain.reverse();
    const rows = function* () {
      let row = -1;
      for (const { base, data } of chain) for (const next of base < 0 ? decodeVarints(data, row) : bitsetRows(data, base)) yield (row = next);
      yield* list.rows();
    };
    return { rows, varintBytes: list.varintBytes };
  }

  /** Close the scratch file (the lists it held are gone). Safe to call twice. */
  close(): void {
    this.scratch?.close();
  }

  /** Append `lists`, in that order, to the scratch file as segments, until at most `leave` bytes of lists are left in memory. */
  private spill(lists: WordList[], leave: number): void {
    this.spills++;
    this.scratch ??= new ScratchFile();
    const batch: Uint8Array[] = [];
    let batchBytes = 0;
    const write = () => {
      this.scratch!.write(Buffer.concat(batch), this.scratchBytes);
      this.scratchBytes += batchBytes;
      batch.length = 0;
      batchBytes = 0;
    };
    for (const list of lists) {
      if (this.resident <= leave) break;
      const data = list.data;
      const head = new DataView(new ArrayBuffer(HEAD));
      head.setFloat64(0, list.lastSegmentAt, true);
      head.setInt32(8, list.lastSegmentLength, true);
      head.setInt32(12, list.bits ? list.base : -1, true);
      list.lastSegmentAt = this.scratchBytes + batchBytes;
      list.lastSegmentLength = HEAD + data.length;
      this.segments++;
      if (list.bits) this.bitsetSegments++;
      batch.push(new Uint8Array(head.buffer), data);
      batchBytes += HEAD + data.length;
      this.resident -= list.byteLength;
      list.clear();
      this.held.delete(list);
      if (batchBytes >= WRITE_BATCH) write();
    }
    if (batchBytes > 0) write();
  }
}
