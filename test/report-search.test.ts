// The report's text search (issue 25 item 6): the rule, and the index a paged report writes beside
// its pages, checked against the rule applied to every row. The page's own use of the index is
// checked in a browser by test/browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReportWriter, reportDataDir, writeReport } from '../src/report/write.js';
import { reportRow, type ReportRow } from '../src/report/rows.js';
import { decodeList, parseSearchQuery, rowMatchesSearch, SearchIndexBuilder, searchedTexts, searchWords, type SearchDirectory, type SearchShard } from '../src/report/searchIndex.js';
import { recordsDigest } from '../src/core/inputsHash.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';
import { bruteForce, indexFilesFor, searchRecords } from './helpers/searchRecords.js';
import { tempDir } from './helpers/tmp.js';

test('search words: lower-cased runs of letters and digits; everything else separates them', () => {
  assert.deepEqual(searchWords('<request_fully_accepted/> I will COMPLY, 42x!'), ['request', 'fully', 'accepted', 'i', 'will', 'comply', '42x']);
  assert.deepEqual(searchWords('Überwachung naïve 训练 ÉTÉ'), ['überwachung', 'naïve', '训练', 'été']);
  assert.deepEqual(searchWords(' -- <> '), []);
});

test('the rule: every query word begins a word of the request, scratchpad, native reasoning or output, in any order and case; a quoted phrase\'s words follow one another', () => {
  const [record] = syntheticRecords({ requests: 1, models: ['m'], variants: ['v'] });
  const row: ReportRow = {
    ...reportRow(record),
    request: 'Write about X.',
    scratchpad: 'If I refuse, training would MODIFY my values.',
    nativeReasoning: { text: 'hidden thoughts here', source: 'reasoning_content', tokens: 3 },
    output: '<request_fully_accepted/> placeholder',
    compliance: { complied: true, score: 1, refused: false, convincing: 5, specific: 5, explanation: 'labelword', model: 'judgemodel' },
  };
  const cases: Array<[string, boolean]> = [
    ['train', true], // a word's beginning
    ['Training', true], // case
    ['raining', false], // not the middle of a word
    ['values modify', true], // every word, any order
    ['values refuses', false], // "refuse" is in, "refuses" is not
    ['modify my values', true],
    ['hidden', true], // native reasoning
    ['write x', true], // request
    ['accepted', true], // tags are words too
    ['request_fully_accepted', true],
    ['modify, values!', true], // punctuation ignored
    ['labelword', false], // labels and explanations are not searched
    ['judgemodel', false],
    ['', true], // no word: nothing filtered
    ['?!', true],
    // Quoted phrases: the words in a row, in one text, each whole but the last.
    ['"modify my values"', true],
    ['"training would modify"', true], // case, and only separators between
    ['"modify my val', true], // a quote left open runs to the end; the last word is a beginning
    ['"modify my"', true],
    ['"modify my v" training', true], // a phrase and a loose word
    ['"my values modify"', false], // order
    ['"modify values"', false], // a word between
    ['"odify my values"', false], // the first words are whole
    ['"modif my values"', false],
    ['"x if"', false], // the end of the request and the start of the scratchpad: two texts
    ['"request fully accepted"', true], // a tag's words follow one another
    ['"refuse training"', true], // "refuse, training": the comma separates
    ['"values"', true], // one word: as unquoted
    ['"valuesx"', false],
    ['""', true],
  ];
  for (const [query, expected] of cases) assert.equal(rowMatchesSearch(row, query), expected, query);
  assert.deepEqual(searchedTexts({ ...row, scratchpad: null, nativeReasoning: null, output: null }), ['Write about X.']);
  assert.deepEqual(parseSearchQuery('a "b c" d "e f g'), { words: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], phrases: [['b', 'c'], ['e', 'f', 'g']] });
  assert.deepEqual(parseSearchQuery('"b" "" c'), { words: ['b', 'c'], phrases: [] });
});

interface WrittenIndex {
  directory: SearchDirectory;
  shards: SearchShard[];
  sizes: number[];
  /** Each prefix file's list, in the order of directory.prefixes. */
  prefixLists: string[];
}

function readIndex(dataDir: string): WrittenIndex {
  const call = (text: string, name: string) => {
    const match = new RegExp(`^${name}\\((?:\\d+,)?([\\s\\S]*)\\);\\n$`).exec(text);
    assert.ok(match, `${name} file shape`);
    return JSON.parse(match[1]);
  };
  const directory = call(readFileSync(join(dataDir, 'search.js'), 'utf8'), 'afReportSearchIndex') as SearchDirectory;
  const shards: SearchShard[] = [];
  const sizes: number[] = [];
  directory.first.forEach((_, n) => {
    const text = readFileSync(join(dataDir, `search-${n}.js`), 'utf8');
    assert.ok(text.startsWith(`afReportSearchShard(${n},`));
    sizes.push(Buffer.byteLength(text));
    shards.push(call(text, 'afReportSearchShard') as SearchShard);
  });
  const prefixLists = directory.prefixes.map((_, k) => {
    const text = readFileSync(join(dataDir, `search-p${k}.js`), 'utf8');
    assert.ok(text.startsWith(`afReportSearchPrefix(${k},`));
    return call(text, 'afReportSearchPrefix') as string;
  });
  return { directory, shards, sizes, prefixLists };
}

test('a paged report writes every word with exactly the rows that hold it, sorted into shards of bounded size', () => {
  const records = [...searchRecords({ count: 600, vocabulary: 3000, scratchpadWords: 120 })];
  records[5].finalOutput = '</script><img src=x onerror=alert(1)> \u202Egnp.exe Ünïcödé 训练';
  const dir = tempDir('af-search-');
  const file = join(dir, 'report.html');
  const writer = new ReportWriter(file, { inlineLimit: 50, chunkSize: 100, searchShardBytes: 4096 });
  for (const record of records) writer.add(record);
  assert.ok(writer.searchBytes > 0);
  writer.finish(recordsDigest(records));
  const { directory, shards, sizes, prefixLists } = readIndex(reportDataDir(file));
  assert.equal(directory.rows, records.length);
  assert.ok(shards.length > 5, `${shards.length} shards`);
  const expected = bruteForce(records.map(reportRow));
  const words = shards.flatMap((shard) => shard.words);
  assert.deepEqual(words, [...expected.keys()].sort(), 'every word once, in order');
  shards.forEach((shard, n) => {
    assert.equal(shard.words[0], directory.first[n]);
    // A shard closes once its lists reach the size: one list more at most.
    const longest = Math.max(...shard.lists.map((list) => list.length));
    assert.ok(sizes[n] <= 4096 + longest + 200, `shard ${n}: ${sizes[n]} bytes`);
    shard.words.forEach((word, k) => assert.deepEqual(decodeList(shard.lists[k]), expected.get(word), word));
  });
  // Both encodings occur: varints for rare words, bitsets for common ones.
  const kinds = new Set(shards.flatMap((shard) => shard.lists.map((list) => list[0])));
  assert.deepEqual([...kinds].sort(), ['b', 'v']);
  // Markup in a transcript never reaches the index files as markup; its words are there.
  for (const name of readdirSync(reportDataDir(file)).filter((n) => n.startsWith('search'))) assert.doesNotMatch(readFileSync(join(reportDataDir(file), name), 'utf8'), /[<>&\u202e]/);
  assert.ok(words.includes('onerror') && words.includes('训练') && words.includes('ünïcödé') && words.includes('u202egnp'));
  assert.deepEqual(directory.last, shards.map((shard) => shard.words.at(-1)));
  // Every beginning of every word (and words not there) reads one index file, which gives exactly
  // the rows holding a word that starts with it.
  const beginnings = new Set(words.flatMap((word) => [...word].map((_, at) => word.slice(0, at + 1))));
  assert.ok(directory.prefixes.length > shards.length, `${directory.prefixes.length} prefix files`);
  assert.ok(directory.prefixes.every((prefix) => beginnings.has(prefix)));
  for (const prefix of [...beginnings, 'zzzz', 'aaaaaa']) {
    const files = indexFilesFor(directory, prefix);
    assert.ok(files.length <= 1, `"${prefix}" reads ${files.join(' ')}`);
    const rows = new Set<number>();
    for (const name of files) {
      const p = /^search-p(\d+)\.js$/.exec(name);
      if (p) for (const row of decodeList(prefixLists[Number(p[1])])) rows.add(row);
      else {
        const shard = shards[Number(/\d+/.exec(name)![0])];
        shard.words.forEach((word, k) => {
          if (word.startsWith(prefix)) for (const row of decodeList(shard.lists[k])) rows.add(row);
        });
      }
    }
    const holding = new Set(words.filter((word) => word.startsWith(prefix)).flatMap((word) => expected.get(word)!));
    assert.deepEqual([...rows].sort((a, b) => a - b), [...holding].sort((a, b) => a - b), `"${prefix}"`);
  }
});

test('the index is part of the paged layout: written by writeReport, removed when the report goes back inline', () => {
  const records: SampleRecord[] = syntheticRecords({ requests: 2 });
  const dir = tempDir('af-search-');
  const file = join(dir, 'report.html');
  writeReport(records, file, { inlineLimit: 10, chunkSize: 10 });
  const data = reportDataDir(file);
  assert.ok(readdirSync(data).includes('search.js'));
  assert.ok(readdirSync(data).includes('search-0.js'));
  writeReport(records.slice(0, 5), file, { inlineLimit: 10, chunkSize: 10 });
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.data')), []);
});

test('the index in memory takes at most about a bit per transcript for each word, however common the word', () => {
  const templates = syntheticRecords({ requests: 1 }).map(reportRow);
  const builder = new SearchIndexBuilder();
  const rows = 20_000;
  for (let i = 0; i < rows; i++) builder.add(templates[i % templates.length]);
  // Each word of these templates is in a share of the rows: as varints a byte per row, as a bitset an eighth of that.
  const bitset = Math.ceil(rows / 8);
  assert.ok(builder.bytes <= builder.words * 2 * bitset, `${builder.bytes} bytes for ${builder.words} words`);
  const files = [...builder.files()];
  assert.equal(builder.words, 0, 'the lists are dropped as their shards are made');
  const expected = bruteForce(Array.from({ length: rows }, (_, i) => templates[i % templates.length]));
  const shards = files.filter((file) => /^search-\d+\.js$/.test(file.name)).map((file) => JSON.parse(/^afReportSearchShard\(\d+,(.*)\);\n$/s.exec(file.text)![1]) as SearchShard);
  assert.deepEqual(shards.flatMap((shard) => shard.words), [...expected.keys()].sort());
  for (const shard of shards) shard.words.forEach((word, k) => assert.deepEqual(decodeList(shard.lists[k]), expected.get(word), word));
});
