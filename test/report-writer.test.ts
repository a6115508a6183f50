// The streaming report writer (issue 17): records arrive one at a time and the files are byte for
// byte those of the array layout, the up-to-date marker works across the two, and the writer holds
// at most one chunk of rows plus a packed index of a few small integers per transcript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ReportWriter, reportDataDir, reportHtml, writeReport } from '../src/report/write.js';
import { writeRunReport } from '../src/pipeline/runOutputs.js';
import { reportFactsOf } from '../src/report/pageFacts.js';
import { reportRow, type ReportRow } from '../src/report/rows.js';
import { jsonForScript } from '../src/core/safeJson.js';
import { SearchIndexBuilder } from '../src/report/searchIndex.js';
import { fileInputsMarker, recordsDigest } from '../src/core/inputsHash.js';
import { simulatedLabelKinds } from '../src/summary/build.js';
import { complianceSourceOf } from '../src/plots/figureInputs.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

const SMALL = { inlineLimit: 3, chunkSize: 2 };
const PLANTED = '</script><!-- \u2028 & \u202Egnp.exe';

/** Every file under a folder (dot files too: the marker), path to content. */
function filesUnder(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, filesUnder(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

/**
 * The array layout, written out independently of the writer: the page, and when paged the index
 * packed from all rows at once, each chunk as the JSON of its slice of rows, and the search index
 * built from all rows (its content is checked against every row's words in report-search.test.ts).
 */
function arrayLayout(records: SampleRecord[], name: string, { inlineLimit, chunkSize }: { inlineLimit: number; chunkSize: number }): Record<string, string> {
  if (records.length <= inlineLimit) return { [name]: reportHtml(records) };
  const rows = records.map(reportRow);
  const data = `${basename(name, '.html')}.data`;
  const out: Record<string, string> = {};
  const chunks = Math.ceil(rows.length / chunkSize);
  for (let n = 0; n < chunks; n++) out[`${data}/chunk-${n}.js`] = `afReportChunk(${n},${jsonForScript(rows.slice(n * chunkSize, (n + 1) * chunkSize))});\n`;
  out[`${data}/index.js`] = `afReportIndex(${jsonForScript(packAll(rows))});\n`;
  const search = new SearchIndexBuilder();
  for (const row of rows) search.add(row);
  for (const file of search.files()) out[`${data}/${file.name}`] = file.text;
  out[name] = reportHtml(records, {}, { dir: data, chunks, chunkSize });
  return out;
}

function packAll(rows: ReportRow[]) {
  const columns: Record<string, unknown[]> = { model: [], variant: [], reasoning: [], tier: [], status: [], af: [] };
  const code = (column: string, value: unknown) => (columns[column].includes(value) ? columns[column].indexOf(value) : columns[column].push(value) - 1);
  const tri = (value: boolean | null | undefined) => (value === true ? 1 : value === false ? 0 : 2);
  const packed = rows.flatMap((row) => [
    code('model', row.model),
    code('variant', row.variant),
    code('reasoning', row.reasoning),
    code('tier', row.tier),
    code('status', row.status),
    tri(row.proxy),
    tri(row.heuristic),
    row.compliance ? tri(row.compliance.complied) : -1,
    row.af ? code('af', row.af.label) : -1,
    row.partial ? tri(row.partial.partial) : -1,
  ]);
  return { ...columns, width: 10, rows: packed };
}

function mixedRecords(): SampleRecord[] {
  const records = [...syntheticRecords({ requests: 1, run: 'b' }), ...syntheticRecords({ requests: 1, simulated: false, run: 'a' })].reverse();
  records[0].finalOutput = PLANTED;
  records[1].model = PLANTED;
  return records;
}

function streamed(records: SampleRecord[], file: string, opts = SMALL): string {
  const writer = new ReportWriter(file, opts);
  for (const record of records) writer.add(record);
  return writer.finish(recordsDigest(records));
}

test('ReportWriter fed one record at a time writes the files of the array layout byte for byte, inline and paged (1, 3, 4, 7 records)', () => {
  for (const count of [1, 3, 4, 7]) {
    const records = mixedRecords().slice(0, count);
    const viaWriter = tempDir();
    const viaWriteReport = tempDir();
    streamed(records, join(viaWriter, 'report.html'));
    writeReport(records, join(viaWriteReport, 'report.html'), SMALL);
    const expected = arrayLayout(records, 'report.html', SMALL);
    const written = filesUnder(viaWriter);
    const marker = `.${'report.html'}.inputs.sha256`;
    assert.match(written[marker], /^[0-9a-f]{64}\n$/);
    delete written[marker];
    assert.deepEqual(Object.keys(written).sort(), Object.keys(expected).sort(), `${count} records: the same files`);
    for (const name of Object.keys(expected)) assert.equal(written[name], expected[name], `${count} records: ${name}`);
    // writeReport feeds the writer: its files, marker included, are the writer's.
    assert.deepEqual(filesUnder(viaWriteReport), filesUnder(viaWriter));
  }
});

test('the page reads the same facts from a ReportFacts as from the records (runs, counts, simulated labels, compliance source)', () => {
  const realOnSimJudge = syntheticRecords({ requests: 2, simulated: false });
  for (const record of realOnSimJudge.slice(5)) if (record.labels.compliance) record.labels.compliance.judge = 'sim/judge';
  const realOnSimAf = syntheticRecords({ requests: 2, simulated: false });
  for (const record of realOnSimAf.slice(3)) if (record.labels.af) record.labels.af.judge = 'sim/judge';
  const sets = {
    simulated: syntheticRecords({ requests: 2 }),
    real: syntheticRecords({ requests: 2, simulated: false }),
    unjudged: syntheticRecords({ requests: 2, simulated: false, judged: false }),
    realOnSimJudge,
    realOnSimAf,
    mixed: mixedRecords(),
  };
  for (const [name, records] of Object.entries(sets)) {
    const facts = reportFactsOf(records);
    assert.deepEqual(facts.simulatedLabels, simulatedLabelKinds(records), name);
    assert.equal(facts.complianceSource, complianceSourceOf(records), name);
    assert.deepEqual(facts.runs, [...new Set(records.map((r) => r.run))], name);
    assert.equal(facts.simulated, records.filter((r) => r.simulated).length, name);
    assert.equal(facts.transcripts, records.length, name);
    const paged = { dir: 'report.data', chunks: 1, chunkSize: 1000 };
    assert.equal(reportHtml(facts, { title: 'T' }, paged), reportHtml(records, { title: 'T' }, paged), name);
  }
  // The sets cover both sources and each simulated-label case.
  assert.equal(reportFactsOf(sets.real).complianceSource, 'compliance');
  assert.deepEqual(reportFactsOf(realOnSimJudge).simulatedLabels, ['compliance']);
  assert.equal(reportFactsOf(realOnSimJudge).complianceSource, 'proxy');
  assert.deepEqual(reportFactsOf(realOnSimAf).simulatedLabels, ['af']);
  assert.throws(() => reportHtml(reportFactsOf(sets.real)), /needs the records/);
});

test('after ReportWriter.finish, writeReport of the same records is a no-op: no file is rewritten (inline and paged)', () => {
  for (const count of [3, 7]) {
    const records = mixedRecords().slice(0, count);
    const dir = tempDir();
    const file = join(dir, 'report.html');
    streamed(records, file);
    const stamp = () => {
      const out: Record<string, string> = {};
      for (const name of Object.keys(filesUnder(dir))) {
        const stat = statSync(join(dir, name));
        out[name] = `${stat.ino}:${stat.mtimeMs}`;
      }
      return out;
    };
    const before = stamp();
    assert.equal(Object.keys(before).length, count > SMALL.inlineLimit ? 9 : 2);
    writeReport(records, file, SMALL);
    assert.deepEqual(stamp(), before, `${count} records`);
    // Other records are not taken for the same ones.
    writeReport(records.slice(1), file, SMALL);
    assert.notDeepEqual(stamp(), before);
  }
});

test('a write with fewer chunks removes the chunks and index of the earlier write, and only ours', () => {
  const dir = tempDir();
  const file = join(dir, 'report.html');
  const data = reportDataDir(file);
  streamed(mixedRecords().slice(0, 7), file);
  assert.deepEqual(readdirSync(data).sort(), ['chunk-0.js', 'chunk-1.js', 'chunk-2.js', 'chunk-3.js', 'index.js', 'search-0.js', 'search.js']);
  writeFileSync(join(data, 'notes.txt'), 'the user’s');
  streamed(mixedRecords().slice(0, 4), file);
  assert.deepEqual(readdirSync(data).sort(), ['chunk-0.js', 'chunk-1.js', 'index.js', 'notes.txt', 'search-0.js', 'search.js']);
  assert.match(readFileSync(join(data, 'index.js'), 'utf8'), /"rows":\[(-?\d+,){39}-?\d+\]/, '4 rows of 10');
  // Back to one self-contained page: the side files go, the folder stays for the user's file.
  streamed(mixedRecords().slice(0, 2), file);
  assert.deepEqual(readdirSync(data), ['notes.txt']);
});

test('crash safety: the marker stays until the first file is written, is gone while chunks are written, and is back after finish', () => {
  const dir = tempDir();
  const file = join(dir, 'report.html');
  const marker = fileInputsMarker(file);
  const records = mixedRecords().slice(0, 7);
  writeReport(records.slice(0, 2), file, SMALL);
  assert.ok(existsSync(marker));
  const writer = new ReportWriter(file, SMALL);
  for (const record of records.slice(0, 3)) writer.add(record);
  assert.ok(existsSync(marker), 'nothing written yet while the records fit inline');
  writer.add(records[3]);
  assert.ok(!existsSync(marker), 'forgotten before the first chunk');
  assert.ok(existsSync(join(reportDataDir(file), 'chunk-1.js')), 'the buffered records and this one fill two chunks at once');
  for (const record of records.slice(4)) writer.add(record);
  assert.ok(!existsSync(marker));
  writer.finish(recordsDigest(records));
  assert.ok(existsSync(marker));
  assert.throws(() => writer.add(records[0]), /after finish/);
});

test('after 20,000 records with chunkSize 100 the writer holds at most 100 rows and 20 bytes of index per transcript', () => {
  const dir = tempDir();
  const templates = syntheticRecords({ requests: 1 });
  const writer = new ReportWriter(join(dir, 'report.html'), { inlineLimit: 10, chunkSize: 100 });
  let most = 0;
  for (let i = 0; i < 20_000; i++) {
    // Made one at a time and dropped: the test holds no array of them either.
    writer.add({ ...templates[i % templates.length], key: `k${i}` });
    if (i >= 10) most = Math.max(most, writer.bufferedRows);
  }
  assert.equal(most, 99, 'a chunk is written the moment it is full');
  assert.equal(writer.indexedRows, 20_000);
  assert.ok(writer.indexBytes <= 20_000 * 20 + 8_192 * 20, `index ${writer.indexBytes} bytes`);
  writer.finish('d');
  const names = readdirSync(reportDataDir(join(dir, 'report.html')));
  assert.equal(names.filter((name) => /^chunk-\d+\.js$/.test(name)).length, 200);
  assert.ok(names.includes('index.js') && names.includes('search.js'));
  // index.js is written a block of rows at a time (three blocks of 8,192 rows here, the last one part
  // full): the same bytes as the index packed from all rows at once.
  const rows = Array.from({ length: 20_000 }, (_, i) => reportRow({ ...templates[i % templates.length], key: `k${i}` }));
  assert.equal(readFileSync(join(reportDataDir(join(dir, 'report.html')), 'index.js'), 'utf8'), `afReportIndex(${jsonForScript(packAll(rows))});\n`);
});

test('told how many records will come, a paged writer holds none of them: the same files byte for byte as the writer that found out', () => {
  for (const count of [4, 7]) {
    const records = mixedRecords().slice(0, count);
    const told = tempDir();
    const found = tempDir();
    const writer = new ReportWriter(join(told, 'report.html'), SMALL, count);
    let most = 0;
    for (const record of records) {
      writer.add(record);
      most = Math.max(most, writer.bufferedRows);
      // From the first record on, every record is a row of the packed index (none waits in the inline buffer).
      assert.equal(writer.indexedRows, records.indexOf(record) + 1);
    }
    assert.ok(most < SMALL.chunkSize, `${count} records: at most a chunk's rows held, not ${most}`);
    writer.finish(recordsDigest(records));
    streamed(records, join(found, 'report.html'));
    assert.deepEqual(filesUnder(told), filesUnder(found), `${count} records`);
  }
  // A count at or under the inline limit changes nothing: the page is self-contained.
  const three = mixedRecords().slice(0, 3);
  const small = tempDir();
  const writer = new ReportWriter(join(small, 'report.html'), SMALL, 3);
  for (const record of three) writer.add(record);
  writer.finish(recordsDigest(three));
  assert.deepEqual(Object.keys(filesUnder(small)).sort(), ['.report.html.inputs.sha256', 'report.html']);
  // A count that does not come true across the inline limit is a programming error, not a wrong layout.
  const wrong = new ReportWriter(join(tempDir(), 'report.html'), SMALL, 7);
  for (const record of three) wrong.add(record);
  assert.throws(() => wrong.finish(recordsDigest(three)), /told 7 records, given 3/);
});

/** An opened run as writeRunReport reads it: these records, and `count` as its count (true or not). */
const runOf = (records: SampleRecord[], count: number) => ({ records: function* () { yield* records; }, count: () => count });

test('writeRunReport told a count that no longer holds (report --force counted, then records.jsonl was cut short) writes the records it read, inline, with no stale chunk left', () => {
  const all = mixedRecords().slice(0, 7);
  const three = all.slice(0, 3);
  // --force counts the records (7, paged under SMALL); the pass then reads 3 (a concurrent repair cut the file).
  const dir = tempDir();
  const file = join(dir, 'report.html');
  // An earlier paged report of the 7 records is there: its chunks must not outlive the rewrite.
  streamed(all, file);
  const cut = writeRunReport(runOf(three, 7), file, { ...SMALL, force: true });
  assert.deepEqual([cut.records, cut.unchanged], [3, false]);
  // The same files as the report of those 3 records counted right: the page inline, no data folder.
  const right = tempDir();
  writeRunReport(runOf(three, 3), join(right, 'report.html'), { ...SMALL, force: true });
  assert.deepEqual(filesUnder(dir), filesUnder(right));
  assert.deepEqual(Object.keys(filesUnder(dir)).sort(), ['.report.html.inputs.sha256', 'report.html']);
  // And it reads as current for those records.
  assert.equal(writeRunReport(runOf(three, 3), file, SMALL).unchanged, true);
});
