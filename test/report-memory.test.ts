// The report writer's memory (issue 25 item 1): the packed index and the search index's word lists
// are kept in memory up to a budget each, the rest in scratch files, and the files written are the
// same byte for byte whatever the budgets. Bytes held are counted, never timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReportWriter, reportDataDir } from '../src/report/write.js';
import { reportRow, type ReportRow } from '../src/report/rows.js';
import { PackedIndexBuilder } from '../src/report/packedIndex.js';
import { decodeList, SearchIndexBuilder, type SearchDirectory, type SearchFile } from '../src/report/searchIndex.js';
import { recordsDigest } from '../src/core/inputsHash.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';
import { bruteForce, searchRecords } from './helpers/searchRecords.js';
import { tempDir } from './helpers/tmp.js';

/** Every file under a folder, path to bytes. */
function bytesUnder(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [inner, bytes] of bytesUnder(path, `${prefix}${name}/`)) out.set(inner, bytes);
    else out.set(`${prefix}${name}`, readFileSync(path));
  }
  return out;
}

function assertSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>, what: string): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()], `${what}: the same files`);
  for (const [name, bytes] of expected) assert.ok(actual.get(name)!.equals(bytes), `${what}: ${name} byte for byte`);
}

/** Write `records` through a ReportWriter; the files written, and the most the writer held in memory and in scratch files. */
function writeWith(records: Iterable<SampleRecord>, opts: ConstructorParameters<typeof ReportWriter>[1]) {
  const dir = tempDir('af-report-memory-');
  const writer = new ReportWriter(join(dir, 'report.html'), opts);
  const most = { index: 0, search: 0 };
  let scratchBytes = 0;
  const digest: SampleRecord[] = [];
  for (const record of records) {
    writer.add(record);
    digest.push(record);
    most.index = Math.max(most.index, writer.indexBytes);
    most.search = Math.max(most.search, writer.searchBytes);
  }
  scratchBytes = writer.scratchBytes;
  writer.finish(recordsDigest(digest));
  return { files: bytesUnder(dir), most, scratchBytes };
}

const zipfRecords = (count: number): SampleRecord[] => {
  const records = [...searchRecords({ count, vocabulary: 3000, scratchpadWords: 120 })];
  records[5].finalOutput = '</script><img src=x onerror=alert(1)> \u202Egnp.exe Ünïcödé 训练';
  return records;
};
const PAGED = { inlineLimit: 50, chunkSize: 100, searchShardBytes: 4096 };

test('a paged report is the same byte for byte whatever the memory budgets: every search file, index.js, chunks and page (lists spilled after every word, or every few rows)', () => {
  const records = zipfRecords(1_200);
  const whole = writeWith(records, PAGED);
  assert.equal(whole.scratchBytes, 0, 'at the default budgets these 1,200 transcripts stay in memory');
  const names = [...whole.files.keys()];
  const directory = JSON.parse(/^afReportSearchIndex\((.*)\);\n$/s.exec(whole.files.get('report.data/search.js')!.toString())![1]) as SearchDirectory;
  // The layout has what spilling must keep: many shards, and prefix files for beginnings that cross them.
  assert.ok(directory.first.length > 20 && directory.prefixes.length > 20, `${directory.first.length} shards, ${directory.prefixes.length} prefix files`);
  assert.equal(names.filter((name) => /search-p\d+\.js$/.test(name)).length, directory.prefixes.length);
  for (const searchBudgetBytes of [1, 2_000, 16_000]) {
    const spilled = writeWith(records, { ...PAGED, searchBudgetBytes, indexBudgetBytes: 0 });
    assert.ok(spilled.scratchBytes > 0, `${searchBudgetBytes}: spilled`);
    assert.ok(spilled.most.search <= searchBudgetBytes, `search lists held ${spilled.most.search} bytes over a budget of ${searchBudgetBytes}`);
    assertSameFiles(spilled.files, whole.files, `search budget ${searchBudgetBytes}`);
  }
});

test('spilled word lists come back whole: varint and bitset segments, words first seen after a spill, lists that become bitsets after being spilled', () => {
  const rows = zipfRecords(1_200).map(reportRow);
  const expected = bruteForce(rows);
  const build = (budget?: number) => {
    const builder = new SearchIndexBuilder(4096, budget);
    let firstSpill = -1;
    rows.forEach((row, at) => {
      builder.add(row);
      if (firstSpill < 0 && builder.spilled.spills > 0) firstSpill = at;
    });
    const spilled = builder.spilled;
    return { files: [...builder.files()], spilled, firstSpill, words: builder.words };
  };
  const whole = build();
  assert.equal(whole.spilled.spills, 0);
  const lists = (files: SearchFile[]) => new Map(files.filter((file) => /^search-\d+\.js$/.test(file.name)).flatMap((file) => {
    const shard = JSON.parse(/^afReportSearchShard\(\d+,(.*)\);\n$/s.exec(file.text)![1]) as { words: string[]; lists: string[] };
    return shard.words.map((word, k) => [word, shard.lists[k]] as const);
  }));
  const wholeLists = lists(whole.files);
  for (const [word, list] of wholeLists) assert.deepEqual(decodeList(list), expected.get(word), word);

  // A budget of a byte: every row of every word goes out as a segment of its own, a varint carried on from the row before.
  const each = build(1);
  const postings = [...expected.values()].reduce((sum, list) => sum + list.length, 0);
  assert.deepEqual([each.spilled.segments, each.spilled.bitsetSegments], [postings, 0]);
  assert.equal(each.words, 0, 'every list taken by files()');
  // So every list the index stores as a bitset turned into one after its rows were spilled.
  assert.ok([...wholeLists.values()].filter((list) => list[0] === 'b').length > 20);
  assert.deepEqual(each.files, whole.files);

  // 16 KB: the largest lists go out as the budget is passed, some as bitsets, most as varints.
  const some = build(16_000);
  assert.ok(some.spilled.spills > 5 && some.spilled.bitsetSegments > 0 && some.spilled.segments > 10 * some.spilled.bitsetSegments, JSON.stringify(some.spilled));
  const seenAfter = [...expected].filter(([, at]) => at[0] > some.firstSpill);
  assert.ok(seenAfter.length > 100, `${seenAfter.length} words first seen after the first spill (row ${some.firstSpill})`);
  assert.deepEqual(some.files, whole.files);
});

test('a word back after 600,000 rows without it: its bitset goes out as a segment first, instead of growing by 75 KB at once', () => {
  const template = reportRow(syntheticRecords({ requests: 1 })[0]);
  const text = (request: string): ReportRow => ({ ...template, request, scratchpad: null, nativeReasoning: null, output: null });
  const builder = new SearchIndexBuilder();
  const rows: number[] = [];
  for (let at = 0; at < 601_000; at++) {
    const holds = at < 1_000 || at >= 600_000;
    builder.add(text(holds ? 'common' : ''));
    if (holds) rows.push(at);
  }
  // Its first thousand rows became a bitset (125 bytes); row 600,000 would have taken it to 75,000 bytes.
  assert.deepEqual([builder.spilled.segments, builder.spilled.bitsetSegments], [1, 1]);
  assert.ok(builder.bytes < 2_000, `${builder.bytes} bytes held`);
  const shard = [...builder.files()].find((file) => file.name === 'search-0.js')!;
  assert.deepEqual(decodeList(JSON.parse(/^afReportSearchShard\(0,(.*)\);\n$/s.exec(shard.text)![1]).lists[0]), rows);
});

/** 45,000 rows whose model is distinct from row 3,000 on: the codes pass 32,767 at row 35,767, inside the fifth block. */
function* widening(): Generator<ReportRow> {
  const templates = syntheticRecords({ requests: 1 }).map(reportRow);
  for (let i = 0; i < 45_000; i++) yield { ...templates[i % templates.length], model: i < 3_000 ? 'm' : `m${i}` };
}
const INT16_BLOCK = 8_192 * 10 * 2;
const INT32_BLOCK = 2 * INT16_BLOCK;

test('the packed index spilled block by block, across the widening to 4-byte codes, writes the same JSON, in pieces of at most 1,024 rows', () => {
  const whole = new PackedIndexBuilder();
  for (const row of widening()) whole.add(row);
  assert.equal(whole.spilledBytes, 0);
  const pieces = [...whole.jsonPieces()];
  assert.equal((JSON.parse(pieces.join('')) as { rows: number[] }).rows.length, 45_000 * 10);
  // The head, then rows 1,024 at a time (10,240 codes: a piece's text stays small enough to die
  // young in V8's young generation), then the close: 44 pieces of rows for 45,000.
  assert.equal(pieces.length, 2 + Math.ceil(45_000 / 1_024));
  for (const piece of pieces.slice(1, -1)) assert.ok(piece.replace(/^,/, '').split(',').length <= 10_240, `a piece of ${piece.length} characters`);
  // Budget 0: every full block goes out; 500,000: three 2-byte blocks fit, and widening the fourth and fifth passes the budget.
  for (const budget of [0, 500_000]) {
    const builder = new PackedIndexBuilder(budget);
    let most = 0;
    for (const row of widening()) {
      builder.add(row);
      most = Math.max(most, builder.bytes);
    }
    // Blocks 0-3 went out with 2-byte codes before the widening, block 4 with 4-byte ones; block 5, part full, stays.
    assert.equal(builder.spilledBytes, 4 * INT16_BLOCK + INT32_BLOCK, `budget ${budget}`);
    assert.equal(builder.bytes, INT32_BLOCK);
    assert.ok(most <= Math.max(budget, INT32_BLOCK), `budget ${budget}: held ${most} bytes`);
    assert.deepEqual([...builder.jsonPieces()], pieces, `budget ${budget}`);
    builder.close();
  }
});

test('the lists and blocks in memory stay within their budgets however many transcripts pass (counted, not timed)', () => {
  const templates = syntheticRecords({ requests: 1 });
  const budgets = { indexBudgetBytes: 3 * INT16_BLOCK, searchBudgetBytes: 16_000 };
  function* records(): Generator<SampleRecord> {
    for (let i = 0; i < 30_000; i++) yield { ...templates[i % templates.length], key: `k${i}` };
  }
  const bounded = writeWith(records(), { inlineLimit: 10, chunkSize: 100, ...budgets });
  assert.ok(bounded.most.index <= budgets.indexBudgetBytes, `index ${bounded.most.index} bytes`);
  assert.ok(bounded.most.search <= budgets.searchBudgetBytes, `search lists ${bounded.most.search} bytes`);
  // What was spilled is more than both budgets: held whole, it would not have fit.
  assert.ok(bounded.scratchBytes > budgets.indexBudgetBytes + budgets.searchBudgetBytes, `${bounded.scratchBytes} bytes spilled`);
  assertSameFiles(bounded.files, writeWith(records(), { inlineLimit: 10, chunkSize: 100 }).files, '30,000 transcripts');

  // Zipf text: thousands of words, each list growing and going out on its own schedule; checked after every row.
  const builder = new SearchIndexBuilder(undefined, 8_000);
  for (const record of searchRecords({ count: 2_000, vocabulary: 3000, scratchpadWords: 120 })) {
    builder.add(reportRow(record));
    assert.ok(builder.bytes <= 8_000, `${builder.bytes} bytes after row ${builder.rows}`);
  }
  assert.ok(builder.spilled.scratchBytes > 10 * 8_000, JSON.stringify(builder.spilled));
  builder.close();
});

test('10,000 transcripts of 2,500-character scratchpads stay in memory at the default budgets: no scratch file is opened', () => {
  const search = new SearchIndexBuilder();
  const index = new PackedIndexBuilder();
  for (const record of searchRecords({ count: 10_000 })) {
    const row = reportRow(record);
    search.add(row);
    index.add(row);
  }
  assert.deepEqual([search.spilled.spills, search.spilled.scratchBytes, index.spilledBytes], [0, 0, 0]);
  assert.ok(search.bytes > 1_000_000 && index.bytes > 0, `${search.bytes} bytes of lists, ${index.bytes} of index`);
});

/** Open file descriptors of this process (Linux), or undefined where /proc is not there. */
const openFiles = (): number | undefined => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined);

test('the scratch files are closed by finish, by close(), and when an add fails', (t) => {
  if (openFiles() === undefined) return t.skip('no /proc/self/fd here');
  const records = zipfRecords(300);
  const tiny = { ...PAGED, indexBudgetBytes: 0, searchBudgetBytes: 1 };
  const before = openFiles()!;
  const finished = new ReportWriter(join(tempDir('af-report-memory-'), 'report.html'), tiny);
  for (const record of records) finished.add(record);
  assert.ok(finished.scratchBytes > 0);
  assert.equal(openFiles(), before + 1, 'the search lists\' scratch file is open (the index fits a block)');
  finished.finish(recordsDigest(records));
  assert.equal(openFiles(), before);

  const abandoned = new ReportWriter(join(tempDir('af-report-memory-'), 'report.html'), tiny);
  for (const record of records) abandoned.add(record);
  abandoned.close();
  assert.equal(openFiles(), before);
  assert.throws(() => abandoned.add(records[0]), /after finish or close/);

  // The data folder's place is taken by a file: the first chunk cannot be written.
  const dir = tempDir('af-report-memory-');
  writeFileSync(join(dir, 'report.data'), 'not a folder');
  const failing = new ReportWriter(join(dir, 'report.html'), tiny);
  for (const record of records.slice(0, 99)) failing.add(record);
  assert.ok(failing.scratchBytes > 0 && openFiles() === before + 1);
  assert.throws(() => failing.add(records[99]));
  assert.equal(openFiles(), before);
  assert.equal(reportDataDir(join(dir, 'report.html')), join(dir, 'report.data'));
});
