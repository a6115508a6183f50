// A set of sample keys that numbers them (slot 0, 1, 2, ... in the order they were added), packed for
// runs of a million samples. af-lab's keys are 32 lower-case hex digits (128 bits of a hash): such a key
// is held as four 32-bit words and found through an open-addressing table of slot numbers, 25 bytes a
// key where a `Set<string>` takes about 100 and a `Map<string, number>` about 150, and nothing the
// garbage collector must trace. Those arrays are PagedArrays (core/pagedArray.ts): past a fixed
// number of bytes in memory the rest goes to a scratch file, so a table of a million keys takes the
// memory one of ten thousand does. Any other key (tests, hand-made folders) is held exactly in a Map
// beside them, so the table answers exactly like a Map from key to slot. A table of another width of
// hex key (the response cache's 64-digit keys) is made with `new KeyTable(64)`.
import { PagedArray, pagedMemory } from './pagedArray.js';

/** The 32-bit words of a lower-case hex key of `into.length * 8` digits, or false when `key` is not one. */
function parseHex(key: string, into: Uint32Array): boolean {
  if (key.length !== into.length * 8) return false;
  for (let w = 0; w < into.length; w++) {
    let word = 0;
    for (let i = w * 8; i < w * 8 + 8; i++) {
      const c = key.charCodeAt(i);
      let digit: number;
      if (c >= 48 && c <= 57) digit = c - 48;
      else if (c >= 97 && c <= 102) digit = c - 87;
      else return false;
      word = (word << 4) | digit;
    }
    into[w] = word >>> 0;
  }
  return true;
}

export class KeyTable implements Iterable<string> {
  readonly #width: number;
  readonly #scratch: Uint32Array;
  /** The memory budget of each of its arrays (pagedMemory's when the table was made). */
  readonly #residentBytes = pagedMemory.residentBytes;
  /** Per slot, the key's words (hex keys; zero for the others). */
  readonly #words = new PagedArray(Uint32Array, { residentBytes: this.#residentBytes });
  /** Per slot, 1 when the key is a hex key held in #words, 0 when it is in #others. */
  readonly #isHex = new PagedArray(Uint8Array, { residentBytes: this.#residentBytes });
  /** Open addressing: slot + 1 of a hex key, 0 for an empty place; at most half full. */
  #table = new PagedArray(Int32Array, { residentBytes: this.#residentBytes });
  #capacity = 128;
  /** Keys that are not 32-digit lower-case hex, exactly, with their slots. */
  #others = new Map<string, number>();
  #otherKeys = new Map<number, string>();
  #size = 0;

  /** `hexDigits`: the length of the hex keys held packed (a multiple of 8; af-lab's sample keys have 32). */
  constructor(hexDigits = 32) {
    if (!(Number.isInteger(hexDigits) && hexDigits > 0 && hexDigits % 8 === 0)) throw new RangeError(`KeyTable: ${hexDigits} hex digits is not a multiple of 8`);
    this.#width = hexDigits / 8;
    this.#scratch = new Uint32Array(this.#width);
  }

  /** Keys added. */
  get size(): number {
    return this.#size;
  }

  /** The slot of `key`, or -1 when it was never added. */
  slotOf(key: string): number {
    if (!parseHex(key, this.#scratch)) return this.#others.get(key) ?? -1;
    return this.#find(this.#scratch);
  }

  has(key: string): boolean {
    return this.slotOf(key) >= 0;
  }

  /** Add `key` (if new) and return its slot. */
  add(key: string): number {
    const scratch = this.#scratch;
    if (!parseHex(key, scratch)) {
      const slot = this.#others.get(key);
      if (slot !== undefined) return slot;
      const added = this.#newSlot(false);
      this.#others.set(key, added);
      this.#otherKeys.set(added, key);
      return added;
    }
    const found = this.#find(scratch);
    if (found >= 0) return found;
    if ((this.#hexCount + 1) * 2 > this.#capacity) this.#rehash(this.#capacity * 2);
    const slot = this.#newSlot(true);
    for (let w = 0; w < this.#width; w++) this.#words.set(slot * this.#width + w, scratch[w]);
    this.#place(slot);
    this.#hexCount++;
    return slot;
  }

  /** The key of a slot (as it was added). */
  keyAt(slot: number): string {
    if (slot < 0 || slot >= this.#size) throw new RangeError(`KeyTable: no slot ${slot}`);
    if (!this.#isHex.get(slot)) return this.#otherKeys.get(slot)!;
    let key = '';
    for (let w = 0; w < this.#width; w++) key += this.#words.get(slot * this.#width + w).toString(16).padStart(8, '0');
    return key;
  }

  /** The keys in the order they were added. */
  *[Symbol.iterator](): Iterator<string> {
    for (let slot = 0; slot < this.#size; slot++) yield this.keyAt(slot);
  }

  /** Bytes of the packed arrays held in memory now (what the hex keys cost, up to the arrays' budget), for tests and benchmarks. */
  get packedBytes(): number {
    return this.#words.residentBytes + this.#isHex.residentBytes + this.#table.residentBytes;
  }

  /** Whether part of the table is in a scratch file (it outgrew its memory budget). */
  get spilled(): boolean {
    return this.#words.spilled || this.#isHex.spilled || this.#table.spilled;
  }

  /** Free the table's memory and scratch files; it is empty afterwards. */
  close(): void {
    this.#words.close();
    this.#isHex.close();
    this.#table.close();
    this.#others.clear();
    this.#otherKeys.clear();
    this.#size = 0;
    this.#hexCount = 0;
    this.#capacity = 128;
  }

  #hexCount = 0;

  #newSlot(hex: boolean): number {
    const slot = this.#size++;
    if (hex) this.#isHex.set(slot, 1);
    return slot;
  }

  /** The hash of a key's words. */
  #hash(words: Uint32Array): number {
    let h = 0x9e3779b9;
    for (let w = 0; w < this.#width; w++) h = Math.imul(h ^ words[w] ^ (h >>> 15), w % 2 ? 0xc2b2ae35 : 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  }

  #find(key: Uint32Array): number {
    const mask = this.#capacity - 1;
    for (let i = this.#hash(key) & mask; ; i = (i + 1) & mask) {
      const entry = this.#table.get(i);
      if (entry === 0) return -1;
      const at = (entry - 1) * this.#width;
      let same = true;
      for (let w = 0; w < this.#width && same; w++) same = this.#words.get(at + w) === key[w];
      if (same) return entry - 1;
    }
  }

  /** Place a slot whose words are in #scratch. */
  #place(slot: number): void {
    const mask = this.#capacity - 1;
    let i = this.#hash(this.#scratch) & mask;
    while (this.#table.get(i) !== 0) i = (i + 1) & mask;
    this.#table.set(i, slot + 1);
  }

  #rehash(capacity: number): void {
    const kept = this.#scratch.slice();
    this.#table.close();
    this.#table = new PagedArray(Int32Array, { residentBytes: this.#residentBytes });
    this.#capacity = capacity;
    for (let slot = 0; slot < this.#size; slot++) {
      if (!this.#isHex.get(slot)) continue;
      for (let w = 0; w < this.#width; w++) this.#scratch[w] = this.#words.get(slot * this.#width + w);
      this.#place(slot);
    }
    this.#scratch.set(kept);
  }
}

/**
 * A set of keys with add and delete, as a `Set<string>` answers: a KeyTable (slots are never freed,
 * 25 bytes a key ever added) and a byte per slot (a PagedArray) saying whether the key is in the set now.
 */
export class KeySet {
  readonly #keys: KeyTable;
  /** Per slot of #keys, 1 while the key is in the set. */
  readonly #in = new PagedArray(Uint8Array);
  #size = 0;

  /** `hexDigits`: see KeyTable (32 for sample keys, 64 for the response cache's keys). */
  constructor(hexDigits = 32) {
    this.#keys = new KeyTable(hexDigits);
  }

  get size(): number {
    return this.#size;
  }

  has(key: string): boolean {
    const slot = this.#keys.slotOf(key);
    return slot >= 0 && this.#in.get(slot) === 1;
  }

  add(key: string): this {
    const slot = this.#keys.add(key);
    if (this.#in.get(slot) !== 1) {
      this.#in.set(slot, 1);
      this.#size++;
    }
    return this;
  }

  /** Free its memory and scratch files; the set is empty afterwards. */
  close(): void {
    this.#keys.close();
    this.#in.close();
    this.#size = 0;
  }

  /** Remove `key`; true when it was in the set. */
  delete(key: string): boolean {
    const slot = this.#keys.slotOf(key);
    if (slot < 0 || this.#in.get(slot) !== 1) return false;
    this.#in.set(slot, 0);
    this.#size--;
    return true;
  }
}
