// KeyTable (src/core/keyTable.ts): a packed set of sample keys that numbers them in the order they
// were added. It must answer exactly as a Map from key to insertion number does, for af-lab's 32-digit
// hex keys and for any other string, and hold a hex key in a few dozen bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { KeySet, KeyTable } from '../src/core/keyTable.js';
import { PAGE_BYTES, PagedArray, pagedMemory } from '../src/core/pagedArray.js';

/** Run `body` with every PagedArray made meanwhile keeping at most `bytes` in memory. */
function withResidentBytes<T>(bytes: number, body: () => T): T {
  const before = pagedMemory.residentBytes;
  pagedMemory.residentBytes = bytes;
  try {
    return body();
  } finally {
    pagedMemory.residentBytes = before;
  }
}

const hexKey = (i: number) => createHash('sha256').update(`sample ${i}`).digest('hex').slice(0, 32);

for (const [name, budget] of [['in memory', 1 << 30], ['two pages an array in memory, the rest in a scratch file', 2 * PAGE_BYTES]] as const) {
test(`KeyTable numbers keys in insertion order and answers like a Map, for hex keys and any other string (${name})`, () => {
  const table = withResidentBytes(budget, () => new KeyTable());
  const reference = new Map<string, number>();
  const keys: string[] = [];
  for (let i = 0; i < 5_000; i++) {
    keys.push(hexKey(i));
    // Strings that look almost like keys are held exactly, apart from the hex ones.
    if (i % 97 === 0) keys.push(`k${i}`, hexKey(i).toUpperCase(), hexKey(i).slice(1), `${hexKey(i)}0`, '', '0'.repeat(32), 'f'.repeat(32));
    if (i % 5 === 0) keys.push(hexKey(i >> 1)); // added again: keeps its first slot
  }
  for (const key of keys) {
    const expected = reference.get(key) ?? reference.size;
    reference.set(key, expected);
    assert.equal(table.add(key), expected, key);
  }
  assert.equal(table.size, reference.size);
  assert.deepEqual([...table], [...reference.keys()]);
  for (const [key, slot] of reference) {
    assert.equal(table.slotOf(key), slot);
    assert.equal(table.has(key), true);
    assert.equal(table.keyAt(slot), key);
  }
  for (const absent of [hexKey(-1), hexKey(10_000), 'absent', hexKey(3).toUpperCase().slice(2)]) {
    assert.equal(table.slotOf(absent), -1);
    assert.equal(table.has(absent), false);
  }
  assert.throws(() => table.keyAt(table.size), RangeError);
  assert.equal(table.spilled, budget < 1 << 20);
  if (table.spilled) assert.ok(table.packedBytes <= 3 * budget + 3 * PAGE_BYTES, `${table.packedBytes} bytes in memory`);
  table.close();
  assert.equal(table.size, 0);
  assert.equal(table.slotOf(keys[0]), -1);
});
}

test('KeyTable holds a hex key in at most 40 bytes of typed arrays, and nothing else per key', () => {
  const table = withResidentBytes(1 << 30, () => new KeyTable());
  for (let i = 0; i < 100_000; i++) table.add(hexKey(i));
  assert.equal(table.size, 100_000);
  assert.equal(table.spilled, false);
  assert.ok(table.packedBytes / table.size <= 40, `${table.packedBytes / table.size} bytes a key`);
});

test('KeyTable at its default budget: 100,000 keys keep at most three arrays\' budget in memory, and every key is found', () => {
  const table = new KeyTable();
  for (let i = 0; i < 100_000; i++) table.add(hexKey(i));
  assert.equal(table.spilled, true);
  assert.ok(table.packedBytes <= 3 * pagedMemory.residentBytes, `${table.packedBytes} bytes in memory`);
  for (let i = 0; i < 100_000; i += 7) assert.equal(table.slotOf(hexKey(i)), i);
  assert.equal(table.slotOf(hexKey(100_000)), -1);
  table.close();
});

test('a byte per slot (the run\'s sample states, KeySet\'s membership) reads 0 until set and keeps what was set as it grows, in memory or not', () => {
  const bytes = new PagedArray(Uint8Array, { residentBytes: PAGE_BYTES });
  assert.equal(bytes.get(1_000_000), 0);
  bytes.set(3, 2);
  bytes.set(70_000, 1);
  assert.equal(bytes.get(3), 2);
  assert.equal(bytes.get(70_000), 1);
  assert.equal(bytes.get(69_999), 0);
  bytes.close();
  assert.equal(bytes.get(3), 0);
});

test('a KeyTable of 64-digit keys (the response cache\'s) packs those and holds 32-digit ones exactly beside them', () => {
  const long = (i: number) => createHash('sha256').update(`call ${i}`).digest('hex');
  const table = new KeyTable(64);
  const keys = [...Array.from({ length: 3_000 }, (_, i) => long(i)), hexKey(1), 'other', long(5)];
  const reference = new Map<string, number>();
  for (const key of keys) {
    const expected = reference.get(key) ?? reference.size;
    reference.set(key, expected);
    assert.equal(table.add(key), expected);
  }
  assert.deepEqual([...table], [...reference.keys()]);
  assert.equal(table.slotOf(long(3_001)), -1);
  assert.ok(table.packedBytes / table.size <= 72);
  assert.throws(() => new KeyTable(30), RangeError);
});

test('KeySet adds and deletes as a Set<string> does', () => {
  const set = new KeySet();
  const reference = new Set<string>();
  for (let i = 0; i < 3_000; i++) {
    const key = i % 11 === 0 ? `other-${i % 50}` : hexKey(i % 700);
    if (i % 3 === 0) assert.equal(set.delete(key), reference.delete(key), `delete ${key}`);
    else {
      set.add(key);
      reference.add(key);
    }
    assert.equal(set.size, reference.size);
  }
  for (let i = 0; i < 700; i++) assert.equal(set.has(hexKey(i)), reference.has(hexKey(i)));
  for (let i = 0; i < 50; i++) assert.equal(set.has(`other-${i}`), reference.has(`other-${i}`));
});

test('keys of the hex digits at the ends of their ranges (0, 9, a, f) are packed, not held as other strings', () => {
  const table = withResidentBytes(1 << 30, () => new KeyTable());
  const digits = '09af';
  const keys = Array.from({ length: 2_000 }, (_, i) => Array.from({ length: 32 }, (_, d) => digits[(i >> (d % 11)) % 4 ^ (d % 4)]).join(''));
  const distinct = [...new Set(keys)];
  for (const key of distinct) table.add(key);
  // Packed: 16 bytes of words a key at least; a key held as another string adds nothing to the arrays.
  assert.ok(table.packedBytes >= 16 * distinct.length, `${table.packedBytes} bytes for ${distinct.length} keys`);
  for (const key of distinct) assert.equal(table.keyAt(table.slotOf(key)), key);
  table.close();
});

test('a KeyTable refuses a width that is not a positive multiple of 8 hex digits', () => {
  for (const digits of [0, -8, 8.5, 12]) assert.throws(() => new KeyTable(digits), RangeError, String(digits));
  const table = new KeyTable(8);
  assert.equal(table.add('0000000a'), 0);
  assert.equal(table.slotOf('0000000a'), 0);
  assert.equal(table.spilled, false);
});

test('KeySet: a key deleted twice is deleted once, and close() empties the set', () => {
  const set = new KeySet();
  set.add(hexKey(1)).add(hexKey(2));
  assert.equal(set.delete(hexKey(1)), true);
  assert.equal(set.delete(hexKey(1)), false);
  assert.equal(set.size, 1);
  assert.equal(set.has(hexKey(2)), true);
  set.close();
  assert.equal(set.size, 0);
  assert.equal(set.has(hexKey(2)), false);
});
