// The streaming pipeline (issue 17): records are read one at a time from records.jsonl, judged and
// labelled, and fed to the summary, figure, digest and report accumulators. What it writes must be
// what the array functions compute from the whole run; a re-run with nothing new returns the outputs
// of the last complete pass without reading a record, and any change to the run folder or the
// options makes it read and write everything again.
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, openSync, readFileSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { jsonLines, lineAt, readJsonLines } from '../src/core/files.js';
import { storedInputsHash, fileInputsMarker } from '../src/core/inputsHash.js';
import { writeFigures } from '../src/plots/export.js';
import { writeReport } from '../src/report/write.js';
import { readRecords } from '../src/core/runStore.js';
import { labelRecords, readJudgements } from '../src/label/index.js';
import { loadRun } from '../src/pipeline/loadRun.js';
import { runExperiment, type ExperimentOutcome } from '../src/pipeline/experiment.js';
import { OUTPUTS_STAMP } from '../src/pipeline/outputsStamp.js';
import { buildSummary } from '../src/summary/index.js';
import { tempDir } from './helpers/tmp.js';

function config(dir: string, name = 'stream') {
  return parseExperiment({
    name,
    models: ['sim/faker?seed=3'],
    variants: ['baseline', 'koorndijk-a'],
    reasoning: ['cot', 'no-cot'],
    requests: { source: 'builtin', limit: 6 },
    samples: 2,
    afVotes: 4,
    judge: 'sim/judge',
    concurrency: 3,
    outDir: join(dir, 'results'),
    cacheDir: join(dir, 'cache'),
    figuresDir: join(dir, 'figures'),
  });
}

describe('the streaming pipeline against the array functions', () => {
  const dir = tempDir();
  let result: Awaited<ReturnType<typeof runExperiment>>;
  before(async () => {
    result = await runExperiment(config(dir), { figures: { images: false, log: () => {} } });
  });

  it('labels each record as labelRecords labels the whole run, in records.jsonl order', () => {
    const stored = readRecords(result.runDir);
    assert.equal(result.records.length, 96);
    assert.equal(result.recordCount, 96);
    assert.deepEqual(result.records, labelRecords(stored, result.runDir, { judge: 'sim/judge' }));
    assert.deepEqual(result.records, loadRun(result.runDir).records);
  });

  it('writes the summary buildSummary makes of those records', () => {
    const { settingLine, ...summary } = result.summary;
    assert.ok(settingLine);
    assert.deepEqual(summary, buildSummary(result.records));
    assert.ok(summary.mitigation.length > 0, 'the statement is compared with the baseline');
  });

  it('stamps the figures and the report with the digest of those records: the array functions find both current', async () => {
    const log: string[] = [];
    const figures = await writeFigures(result.records, join(dir, 'figures', 'stream'), { images: false, log: (line) => log.push(line) });
    assert.equal(figures.unchanged, true);
    const report = result.reportFile!;
    const before = statSync(report).mtimeMs;
    writeReport(result.records, report);
    assert.equal(statSync(report).mtimeMs, before);
    assert.equal(storedInputsHash(fileInputsMarker(report))!.length, 64);
  });

  it('judged every record once: one judgement per record and kind that applies', () => {
    const judgements = readJudgements(result.runDir);
    const perKey = new Map<string, number>();
    for (const j of judgements) perKey.set(`${j.key}/${j.kind}`, (perKey.get(`${j.key}/${j.kind}`) ?? 0) + 1);
    assert.ok([...perKey.values()].every((n) => n === 1));
    assert.equal(result.judging!.judged.compliance + result.judging!.judged.af + result.judging!.judged.partial, judgements.length);
  });
});

describe('a re-run with nothing new', () => {
  const dir = tempDir();
  const cfg = config(dir, 'warm');
  const options = { keepRecords: false as const, figures: { images: false, log: () => {} } };
  let first: ExperimentOutcome;
  before(async () => {
    first = await runExperiment(cfg, options);
  });

  it('returns the last pass outputs from the stamp, reading no record, and writes nothing', async () => {
    const summaryCsv = join(first.runDir, 'summary.csv');
    const before = readFileSync(summaryCsv, 'utf8');
    // A records file that cannot be parsed would stop any pass that reads it: this one must not read it.
    const again = await runExperiment(cfg, options);
    assert.equal(again.upToDate, true);
    assert.deepEqual(again.summary, first.summary);
    assert.equal(again.recordCount, first.recordCount);
    assert.deepEqual(again.judging?.judged, { compliance: 0, af: 0, partial: 0 });
    assert.equal(again.judging!.reused.compliance + again.judging!.reused.af + again.judging!.reused.partial, first.judging!.judged.compliance + first.judging!.judged.af + first.judging!.judged.partial);
    assert.equal(readFileSync(summaryCsv, 'utf8'), before);
    assert.equal(again.figures?.unchanged, true);
  });

  it('reads and writes everything again when records.jsonl changed (its time), an output is missing, or an option changed', async () => {
    const records = join(first.runDir, 'records.jsonl');
    const later = new Date(Date.now() + 5000);
    utimesSync(records, later, later);
    assert.equal((await runExperiment(cfg, options)).upToDate, undefined);
    assert.equal((await runExperiment(cfg, options)).upToDate, true);

    rmSync(join(first.runDir, 'summary.md'));
    const redone = await runExperiment(cfg, options);
    assert.equal(redone.upToDate, undefined);
    assert.ok(readFileSync(join(first.runDir, 'summary.md'), 'utf8').length > 0);

    assert.equal((await runExperiment(cfg, { ...options, report: false })).upToDate, undefined);
    assert.equal((await runExperiment(parseExperiment({ ...cfg, afThresholds: { af: 0.5, maybe: 0.25 } }), options)).upToDate, undefined);
  });

  it('a pass cut short leaves no stamp: the next run does the work', async () => {
    writeFileSync(join(first.runDir, OUTPUTS_STAMP), '{"schema":1,"key":"not this one"}\n');
    assert.equal((await runExperiment(cfg, options)).upToDate, undefined);
    const stamp = JSON.parse(readFileSync(join(first.runDir, OUTPUTS_STAMP), 'utf8'));
    assert.notEqual(stamp.key, 'not this one');
  });

  it('a new sample (a judgement appended by hand counts too) is never answered from the stamp', async () => {
    appendFileSync(join(first.runDir, 'judgements.jsonl'), '');
    const judgements = join(first.runDir, 'judgements.jsonl');
    const later = new Date(Date.now() + 10_000);
    utimesSync(judgements, later, later);
    assert.equal((await runExperiment(cfg, options)).upToDate, undefined);
  });
});

describe('a re-run whose plan changed under the same configuration', () => {
  it('samples the new requests: an edited request file is never answered from the stamp', async () => {
    const dir = tempDir();
    const file = join(dir, 'requests.csv');
    writeFileSync(file, 'goal\nplaceholder request one\nplaceholder request two\n');
    const cfg = parseExperiment({ ...config(dir, 'edited'), reasoning: ['no-cot'], variants: ['baseline'], requests: { source: 'file', path: file } });
    const options = { keepRecords: false as const, figures: false as const, report: false };
    const first = await runExperiment(cfg, options);
    assert.equal(first.recordCount, 8);
    assert.equal((await runExperiment(cfg, options)).upToDate, true);
    writeFileSync(file, 'goal\nplaceholder request one\nplaceholder request six\n');
    const edited = await runExperiment(cfg, options);
    assert.equal(edited.upToDate, undefined);
    assert.equal(edited.progress.done - edited.progress.resumed, 4, 'the new request is sampled in both tiers, twice');
  });
});

describe('jsonLines reads a JSONL file in pieces', () => {
  it('gives every value with its line number and byte offset across 1 MB piece boundaries, multibyte text included', () => {
    const dir = tempDir();
    const path = join(dir, 'big.jsonl');
    // Lines of varying length with two-, three- and four-byte characters, some straddling each 1 MB boundary.
    const values = Array.from({ length: 700 }, (_, i) => ({ i, text: `${'é€𝄞x'.repeat(i % 97)}${'a'.repeat((i * 7919) % 5000)}` }));
    const lines = values.map((v) => JSON.stringify(v));
    writeFileSync(path, `${lines.join('\n')}\n\n`);
    assert.ok(readFileSync(path).length > 3 * (1 << 20) / 2);
    const read = [...jsonLines<{ i: number }>(path)];
    assert.deepEqual(read.map((r) => r.value), values);
    assert.deepEqual(read.map((r) => r.line), values.map((_, i) => i + 1));
    const fd = openSync(path, 'r');
    try {
      for (const { value, offset } of read) {
        const length = Buffer.byteLength(lines[value.i]);
        const bytes = Buffer.alloc(length);
        readSync(fd, bytes, 0, length, offset);
        assert.equal(bytes.toString('utf8'), lines[value.i]);
      }
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(readJsonLines(path), values);
  });

  it('reads lines longer than its 1 MB piece (the piece grows), with the lines around them', () => {
    const dir = tempDir();
    const path = join(dir, 'long.jsonl');
    const values = [{ t: 'a' }, { t: 'é'.repeat(1_400_000) }, { t: 'b' }, { t: 'x'.repeat(3_000_000) }, { t: 'c'.repeat(600_000) }, { t: 'd' }];
    writeFileSync(path, `${values.map((v) => JSON.stringify(v)).join('\n')}\n`);
    const read = [...jsonLines<{ t: string }>(path)];
    assert.deepEqual(read.map((r) => r.value), values);
    let offset = 0;
    for (const [i, v] of values.entries()) {
      assert.equal(read[i].offset, offset);
      offset += Buffer.byteLength(JSON.stringify(v)) + 1;
    }
  });

  it('lineAt reads back every line at its offset: short, around its 4 KB buffer, many times longer, split characters, the last without a newline', () => {
    const dir = tempDir();
    const path = join(dir, 'lines.txt');
    // 'é' is two bytes: at 2,047 of them plus one byte a character straddles the 4,096th byte.
    const lines = ['a', 'b'.repeat(4095), 'c'.repeat(4096), 'd'.repeat(4097), `x${'é'.repeat(2047)}`, 'é'.repeat(30_000), '', 'short', 'f'.repeat(70_000), 'tail'];
    writeFileSync(path, lines.join('\n'));
    const fd = openSync(path, 'r');
    try {
      let offset = 0;
      const at: number[] = [];
      for (const line of lines) {
        at.push(offset);
        offset += Buffer.byteLength(line) + 1;
      }
      // Read out of order, so a long line read into a larger buffer is followed by short ones in the shared one.
      for (const i of [5, 0, 8, 1, 2, 3, 4, 9, 7, 6, 5, 0]) assert.equal(lineAt(fd, at[i]), lines[i], `line ${i}`);
    } finally {
      closeSync(fd);
    }
  });

  it('drops a torn last line, and with repair cuts it off the file', () => {
    const dir = tempDir();
    const path = join(dir, 'torn.jsonl');
    writeFileSync(path, '{"a":1}\n{"a":2}\n{"a":');
    assert.deepEqual([...jsonLines(path)].map((r) => r.value), [{ a: 1 }, { a: 2 }]);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"a":2}\n{"a":');
    assert.deepEqual([...jsonLines(path, { repair: true })].map((r) => r.value), [{ a: 1 }, { a: 2 }]);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"a":2}\n');
  });

  it('a missing file, or one under a file, reads as empty', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    assert.deepEqual([...jsonLines(join(dir, 'none.jsonl'))], []);
    assert.deepEqual([...jsonLines(join(dir, 'file', 'under.jsonl'))], []);
  });
});
