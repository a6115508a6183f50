// An array of numbers that keeps at most a fixed number of bytes in memory and the rest in a scratch
// file: what a per-record table (sample keys, judgement offsets, a byte of state per sample) is built
// on, so what such a table holds in memory is the same at a million samples as at ten thousand. The array is cut
// into pages of PAGE_BYTES; a page is made when first written (reads of a page never written give
// the fill value), and once more than `residentBytes` of pages are in memory the oldest is written to
// the scratch file (core/scratchFile.ts) and dropped, to be read back when next used. Below the
// budget nothing touches the disk: a run of ten thousand samples never opens a file.

import { ScratchFile } from './scratchFile.js';

type NumberArray = Uint8Array | Int32Array | Uint32Array | Float64Array;
type NumberArrayKind = { new (length: number): NumberArray; readonly BYTES_PER_ELEMENT: number };

/** Bytes per page: what one read or write of the scratch file moves. */
export const PAGE_BYTES = 4096;

/**
 * How many bytes of pages each PagedArray keeps in memory before it uses a scratch file. A command
 * holds a few dozen such arrays at most (a key table is three, a judgement index two per judge and
 * kind), so this bounds what they take together. Tests lower it to make small tables spill.
 */
export const pagedMemory = { residentBytes: 512 * 1024 };

export class PagedArray {
  /** Page buffers made in this process (for tests: a spilled array makes no more than its budget's worth). */
  static pagesMade = 0;
  readonly #kind: NumberArrayKind;
  readonly #fill: number;
  readonly #shift: number;
  readonly #mask: number;
  readonly #maxResident: number;
  /** Per page: the page, while it is in memory. */
  #pages: Array<NumberArray | undefined> = [];
  /** Per page: 1 when the scratch file holds its latest contents (it was written out and not changed since loaded). */
  #onDisk = new Uint8Array(16);
  /** Per page: 1 when it changed since it was made or loaded. */
  #dirty = new Uint8Array(16);
  /** Pages in memory, oldest first (a ring). */
  #ring: Int32Array;
  #ringStart = 0;
  #residentCount = 0;
  #file: ScratchFile | undefined;

  /** `fill`: what an element never written reads as. `residentBytes`: see pagedMemory. */
  constructor(kind: NumberArrayKind, { fill = 0, residentBytes = pagedMemory.residentBytes }: { fill?: number; residentBytes?: number } = {}) {
    this.#kind = kind;
    this.#fill = fill;
    const perPage = PAGE_BYTES / kind.BYTES_PER_ELEMENT;
    this.#shift = Math.log2(perPage);
    this.#mask = perPage - 1;
    this.#maxResident = Math.max(1, Math.floor(residentBytes / PAGE_BYTES));
    this.#ring = new Int32Array(Math.min(this.#maxResident, 64));
  }

  get(index: number): number {
    const page = this.#pages[index >>> this.#shift];
    if (page !== undefined) return page[index & this.#mask];
    const number = index >>> this.#shift;
    if (number >= this.#onDisk.length || this.#onDisk[number] === 0) return this.#fill;
    return this.#load(number)[index & this.#mask];
  }

  set(index: number, value: number): void {
    const number = index >>> this.#shift;
    const page = this.#pages[number] ?? this.#load(number);
    page[index & this.#mask] = value;
    this.#dirty[number] = 1;
  }

  /** Bytes of pages in memory now (counted page by page: for tests and benchmarks). */
  get residentBytes(): number {
    let pages = 0;
    for (const page of this.#pages) if (page !== undefined) pages++;
    return pages * PAGE_BYTES;
  }

  /** Whether a scratch file was opened (some page went out of memory). */
  get spilled(): boolean {
    return this.#file !== undefined;
  }

  /** Drop every page and close the scratch file: the array reads as empty (all fill) afterwards. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
    this.#pages = [];
    this.#onDisk = new Uint8Array(16);
    this.#dirty = new Uint8Array(16);
    this.#ringStart = 0;
    this.#residentCount = 0;
  }

  #load(number: number): NumberArray {
    // At the budget the oldest page goes out and its memory is the new page's: once spilled, a table
    // allocates nothing more (a new buffer per page would leave thousands of dead 4 KB buffers to the
    // garbage collector, and the C heap they came from grows with the run).
    const reused = this.#residentCount === this.#maxResident ? this.#evictOldest() : undefined;
    if (number >= this.#onDisk.length) this.#growFlags(number + 1);
    const page = reused ?? this.#newPage();
    if (this.#onDisk[number]) this.#file!.read(page, number * PAGE_BYTES);
    else if (reused || this.#fill !== 0) page.fill(this.#fill);
    this.#pages[number] = page;
    this.#dirty[number] = 0;
    if (this.#residentCount === this.#ring.length) this.#growRing();
    this.#ring[(this.#ringStart + this.#residentCount++) % this.#ring.length] = number;
    return page;
  }

  #newPage(): NumberArray {
    PagedArray.pagesMade++;
    return new this.#kind(PAGE_BYTES / this.#kind.BYTES_PER_ELEMENT);
  }

  /** Write the oldest page out (where the file lacks its latest contents) and hand back its buffer. */
  #evictOldest(): NumberArray {
    const number = this.#ring[this.#ringStart];
    this.#ringStart = (this.#ringStart + 1) % this.#ring.length;
    this.#residentCount--;
    const page = this.#pages[number]!;
    if (this.#dirty[number] || !this.#onDisk[number]) {
      this.#file ??= new ScratchFile();
      this.#file.write(page, number * PAGE_BYTES);
      this.#onDisk[number] = 1;
    }
    this.#pages[number] = undefined;
    return page;
  }

  #growFlags(pages: number): void {
    const size = Math.max(pages, this.#onDisk.length * 2);
    const onDisk = new Uint8Array(size);
    onDisk.set(this.#onDisk);
    this.#onDisk = onDisk;
    const dirty = new Uint8Array(size);
    dirty.set(this.#dirty);
    this.#dirty = dirty;
  }

  /** A larger ring (up to #maxResident places), its pages oldest first from place 0. */
  #growRing(): void {
    const ring = new Int32Array(Math.min(this.#maxResident, this.#ring.length * 2));
    for (let at = 0; at < this.#residentCount; at++) ring[at] = this.#ring[(this.#ringStart + at) % this.#ring.length];
    this.#ring = ring;
    this.#ringStart = 0;
  }
}
