// PagedArray (src/core/pagedArray.ts): an array of numbers that keeps a fixed number of bytes in memory
// and the rest in a scratch file. It must read back exactly what a plain array would hold, whatever the
// order of reads and writes and however often pages go out and come back; reads of what was never
// written give the fill value; below its budget it opens no file; and it leaves no file behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PAGE_BYTES, PagedArray } from '../src/core/pagedArray.js';
import { ScratchFile } from '../src/core/scratchFile.js';

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scratchFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('af-lab-scratch-')).length;

for (const [kind, fill, value] of [
  [Float64Array, -1, (r: () => number) => Math.floor(r() * 2 ** 40) / 3],
  [Int32Array, 0, (r: () => number) => Math.floor(r() * 2 ** 32) - 2 ** 31],
  [Uint32Array, 0, (r: () => number) => Math.floor(r() * 2 ** 32)],
  [Uint8Array, 0, (r: () => number) => Math.floor(r() * 256)],
] as const) {
  test(`PagedArray of ${kind.name} reads back what a plain array holds, three pages in memory, pages going out and back (fill ${fill})`, () => {
    const r = random(kind.BYTES_PER_ELEMENT * 7 + 1);
    const perPage = PAGE_BYTES / kind.BYTES_PER_ELEMENT;
    const length = perPage * 40;
    const made = PagedArray.pagesMade;
    const array = new PagedArray(kind, { fill, residentBytes: 3 * PAGE_BYTES });
    const reference = new Map<number, number>();
    const expected = (at: number) => reference.get(at) ?? fill;
    for (let step = 0; step < 30_000; step++) {
      // Runs of neighbours (as a table filled by slot) mixed with jumps (as a hash table's probes).
      const at = step % 3 === 0 ? Math.floor(r() * length) : (step * 13) % length;
      if (r() < 0.5) {
        const v = value(r);
        array.set(at, v);
        reference.set(at, kind === Float64Array ? v : new kind([v])[0]);
      } else {
        assert.equal(array.get(at), expected(at), `step ${step}, element ${at}`);
      }
      assert.ok(array.residentBytes <= 3 * PAGE_BYTES);
    }
    assert.equal(array.spilled, true);
    // Pages going out hand their memory to the pages coming in: three buffers made, for 40 pages and 30,000 steps.
    assert.equal(PagedArray.pagesMade - made, 3);
    for (let at = 0; at < length; at++) if (array.get(at) !== expected(at)) assert.fail(`element ${at}: ${array.get(at)}, not ${expected(at)}`);
    array.close();
    assert.equal(array.get(5), fill);
  });
}

test('PagedArray below its budget opens no scratch file, and reading pages never written makes none', () => {
  const array = new PagedArray(Float64Array, { fill: -1, residentBytes: 2 * PAGE_BYTES });
  for (let at = 0; at < 1_000_000; at += 997) assert.equal(array.get(at), -1);
  assert.equal(array.residentBytes, 0);
  array.set(10, 4.5);
  array.set(PAGE_BYTES / 8 + 1, 7);
  assert.equal(array.residentBytes, 2 * PAGE_BYTES);
  assert.equal(array.spilled, false);
  array.set(10 * PAGE_BYTES, 1); // a third page: the oldest goes out
  assert.equal(array.spilled, true);
  assert.equal(array.residentBytes, 2 * PAGE_BYTES);
  assert.equal(array.get(10), 4.5);
  array.close();
});

test('a page read back and not changed is not written again; one changed after it came back is', () => {
  const array = new PagedArray(Uint8Array, { residentBytes: PAGE_BYTES });
  array.set(0, 1);
  array.set(PAGE_BYTES, 2); // page 0 out
  assert.equal(array.get(0), 1); // page 0 back, page 1 out
  assert.equal(array.get(PAGE_BYTES), 2); // page 1 back, page 0 out unchanged
  array.set(1, 9); // page 0 back and changed
  assert.equal(array.get(PAGE_BYTES + 1), 0); // page 1 back, page 0 out with the change
  assert.equal(array.get(1), 9);
  assert.equal(array.get(0), 1);
  array.close();
});

test('scratch files leave nothing in the temporary folder, open or closed', () => {
  const before = scratchFolders();
  const file = new ScratchFile();
  assert.equal(scratchFolders(), before, 'the file is unlinked as soon as it is open');
  file.write(new Uint8Array([1, 2, 3]), 10);
  const back = new Uint8Array(16).fill(7);
  assert.equal(file.read(back, 8), 5);
  assert.deepEqual([...back], [0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  file.close();
  file.close();
  assert.throws(() => file.read(back, 0), /after close/);
  assert.equal(scratchFolders(), before);
});

test('a page written far past the others, and more pages in memory than the first ring holds, read back after going out', () => {
  const far = new PagedArray(Uint32Array, { residentBytes: PAGE_BYTES });
  far.set(0, 1);
  far.set(100 * (PAGE_BYTES / 4) + 3, 7); // page 100: the flags grow past twice their size at once
  far.set(5, 2); // page 0 back, page 100 out
  assert.equal(far.get(100 * (PAGE_BYTES / 4) + 3), 7);
  assert.equal(far.get(5), 2);
  assert.equal(far.get(0), 1);
  far.close();
  // 100 pages in memory (the ring starts at 64 places and grows), 150 written: 50 go out and come back.
  const many = new PagedArray(Uint8Array, { residentBytes: 100 * PAGE_BYTES });
  for (let page = 0; page < 150; page++) many.set(page * PAGE_BYTES + (page % 7), page + 1);
  assert.equal(many.residentBytes, 100 * PAGE_BYTES);
  for (let page = 0; page < 150; page++) assert.equal(many.get(page * PAGE_BYTES + (page % 7)), page + 1, `page ${page}`);
  for (let page = 149; page >= 0; page--) assert.equal(many.get(page * PAGE_BYTES + (page % 7)), page + 1, `page ${page}, backwards`);
  assert.ok(many.residentBytes <= 100 * PAGE_BYTES);
  many.close();
});
