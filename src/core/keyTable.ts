// A set of sample keys that numbers them (slot 0, 1, 2, ... in the order they were added), packed for
// runs of a million samples. af-lab's keys are 32 lower-case hex digits (128 bits of a hash): such a key
// is held as four 32-bit words in a typed array and found through an open-addressing table of slot
// numbers, 24 bytes a key where a `Set<string>` takes about 100 and a `Map<string, number>` about 150,
// and nothing the garbage collector must trace. Any other key (tests, hand-made folders) is held
// exactly in a Map beside them, so the table answers exactly like a Map from key to slot. A table of
// another width of hex key (the response cache's 64-digit keys) is made with `new KeyTable(64)`.

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
  /** Per slot, the key's words (hex keys; zero for the others). */
  #words: Uint32Array;
  /** Per slot, 1 when the key is a hex key held in #words, 0 when it is in #others. */
  #isHex = new Uint8Array(64);
  /** Open addressing: slot + 1 of a hex key, 0 for an empty place; at most half full. */
  #table = new Int32Array(128);
  /** Keys that are not 32-digit lower-case hex, exactly, with their slots. */
  #others = new Map<string, number>();
  #otherKeys = new Map<number, string>();
  #size = 0;

  /** `hexDigits`: the length of the hex keys held packed (a multiple of 8; af-lab's sample keys have 32). */
  constructor(hexDigits = 32) {
    if (!(Number.isInteger(hexDigits) && hexDigits > 0 && hexDigits % 8 === 0)) throw new RangeError(`KeyTable: ${hexDigits} hex digits is not a multiple of 8`);
    this.#width = hexDigits / 8;
    this.#scratch = new Uint32Array(this.#width);
    this.#words = new Uint32Array(64 * this.#width);
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
    if ((this.#hexCount + 1) * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
    const slot = this.#newSlot(true);
    this.#words.set(scratch, slot * this.#width);
    this.#place(slot);
    this.#hexCount++;
    return slot;
  }

  /** The key of a slot (as it was added). */
  keyAt(slot: number): string {
    if (slot < 0 || slot >= this.#size) throw new RangeError(`KeyTable: no slot ${slot}`);
    if (!this.#isHex[slot]) return this.#otherKeys.get(slot)!;
    let key = '';
    for (let w = 0; w < this.#width; w++) key += this.#words[slot * this.#width + w].toString(16).padStart(8, '0');
    return key;
  }

  /** The keys in the order they were added. */
  *[Symbol.iterator](): Iterator<string> {
    for (let slot = 0; slot < this.#size; slot++) yield this.keyAt(slot);
  }

  /** Bytes held in typed arrays (what the hex keys cost), for tests and benchmarks. */
  get packedBytes(): number {
    return this.#words.byteLength + this.#isHex.byteLength + this.#table.byteLength;
  }

  #hexCount = 0;

  #newSlot(hex: boolean): number {
    const slot = this.#size++;
    if (slot >= this.#isHex.length) {
      const isHex = new Uint8Array(this.#isHex.length * 2);
      isHex.set(this.#isHex);
      this.#isHex = isHex;
      const words = new Uint32Array(isHex.length * this.#width);
      words.set(this.#words);
      this.#words = words;
    }
    this.#isHex[slot] = hex ? 1 : 0;
    return slot;
  }

  #hash(words: Uint32Array, at: number): number {
    let h = 0x9e3779b9;
    for (let w = 0; w < this.#width; w++) h = Math.imul(h ^ words[at + w] ^ (h >>> 15), w % 2 ? 0xc2b2ae35 : 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  }

  #find(key: Uint32Array): number {
    const mask = this.#table.length - 1;
    for (let i = this.#hash(key, 0) & mask; ; i = (i + 1) & mask) {
      const entry = this.#table[i];
      if (entry === 0) return -1;
      const at = (entry - 1) * this.#width;
      const words = this.#words;
      let same = true;
      for (let w = 0; w < this.#width && same; w++) same = words[at + w] === key[w];
      if (same) return entry - 1;
    }
  }

  #place(slot: number): void {
    const mask = this.#table.length - 1;
    let i = this.#hash(this.#words, slot * this.#width) & mask;
    while (this.#table[i] !== 0) i = (i + 1) & mask;
    this.#table[i] = slot + 1;
  }

  #rehash(capacity: number): void {
    this.#table = new Int32Array(capacity);
    for (let slot = 0; slot < this.#size; slot++) if (this.#isHex[slot]) this.#place(slot);
  }
}

/** A byte per slot of a KeyTable, grown as slots are added (0 until set). */
export class SlotBytes {
  #bytes = new Uint8Array(64);
  get(slot: number): number {
    return slot < this.#bytes.length ? this.#bytes[slot] : 0;
  }
  set(slot: number, value: number): void {
    if (slot >= this.#bytes.length) {
      const bytes = new Uint8Array(Math.max(slot + 1, this.#bytes.length * 2));
      bytes.set(this.#bytes);
      this.#bytes = bytes;
    }
    this.#bytes[slot] = value;
  }
}

/**
 * A set of keys with add and delete, as a `Set<string>` answers: a KeyTable (slots are never freed,
 * 24 bytes a key ever added) and a byte per slot saying whether the key is in the set now.
 */
export class KeySet {
  readonly #keys: KeyTable;
  readonly #in = new SlotBytes();
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

  /** Remove `key`; true when it was in the set. */
  delete(key: string): boolean {
    const slot = this.#keys.slotOf(key);
    if (slot < 0 || this.#in.get(slot) !== 1) return false;
    this.#in.set(slot, 0);
    this.#size--;
    return true;
  }
}
