// The small ones from the reliability pass: each bad input is one clear line (exit 2), and the
// report shows what a transcript really holds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperimentFile, parseExperiment } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { list } from '../src/cli/parse.js';
import { loadRequestFile } from '../src/requests/index.js';
import { runSamples } from '../src/run/runner.js';
import { writeReport } from '../src/report/write.js';
import { reportRow } from '../src/report/rows.js';
import { sampleRecord } from './helpers/records.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const userError = (pattern: RegExp) => (err: unknown) => err instanceof UserError && pattern.test(err.describe());

describe('bad input, one line each', () => {
  it('refuses the run names "." and "..", which would write outside outDir', () => {
    for (const name of ['.', '..']) assert.throws(() => parseExperiment({ name }), userError(/name: .*not "\." or "\.\."/));
    assert.equal(parseExperiment({ name: 'v1.2' }).name, 'v1.2');
  });

  it('refuses a config file holding null (or a folder) instead of running the default experiment', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'null.json'), 'null');
    assert.throws(() => loadExperimentFile(join(dir, 'null.json')), userError(/holds null, not a JSON object/));
    assert.throws(() => loadExperimentFile(dir), userError(/is a folder/));
  });

  it('request files: a folder, a UTF-16 CSV and a numeric JSONL cell', () => {
    const dir = tempDir();
    assert.throws(() => loadRequestFile(dir), userError(/request file .* is a folder/));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('goal\nDo a harmful thing (placeholder)\n', 'utf16le')]);
    writeFileSync(join(dir, 'sheet.csv'), utf16);
    assert.throws(() => loadRequestFile(join(dir, 'sheet.csv')), userError(/is UTF-16 encoded\. Fix: save it as UTF-8/));
    writeFileSync(join(dir, 'numbers.jsonl'), '{"text": 42}\n{"text": ["a"]}\n');
    assert.throws(() => loadRequestFile(join(dir, 'numbers.jsonl')), userError(/row 2 has a list in "text", not text/));
    writeFileSync(join(dir, 'numbers.jsonl'), '{"text": 42}\n');
    assert.equal(loadRequestFile(join(dir, 'numbers.jsonl'))[0].text, '42');
  });

  it('repeating a list option adds to it', () => {
    assert.deepEqual(list('sim/no-gap', list('sim/faker,sim/x')), ['sim/faker', 'sim/x', 'sim/no-gap']);
    const result = runCli(['estimate', '--models', 'sim/faker', '--models', 'sim/no-gap', '--limit', '1', '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).models.map((m: { model: string }) => m.model), ['sim/faker', 'sim/no-gap']);
  });

  it('usage errors exit 2, and --version prints the version', () => {
    const bad = runCli(['run', '--no-such-option']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--no-such-option'/);
    const version = runCli(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('`labels compare` with a sheet that holds no label says so (exit 2)', async () => {
    const dir = tempDir();
    const { runDir } = await runSamples(parseExperiment({ name: 'labels', models: ['sim/faker'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 1 }, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') }));
    writeFileSync(join(dir, 'empty.csv'), 'key,human_complied,human_af,human_partial\n');
    const result = runCli(['labels', 'compare', runDir, '--labels', join(dir, 'empty.csv')]);
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /^error: .*empty\.csv holds no filled-in label/);
  });
});

describe('left-overs and display', () => {
  it('the next run removes temporary files a killed writer left behind', async () => {
    const dir = tempDir();
    const config = parseExperiment({ name: 'tmp', models: ['sim/faker'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 1 }, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') });
    const runDir = join(config.outDir, config.name);
    mkdirSync(join(runDir, 'prompts'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = [join(runDir, `run.json.${dead}.0.tmp`), join(runDir, 'prompts', `abc.txt.${dead}.3.tmp`)];
    for (const path of stale) writeFileSync(path, 'half');
    await runSamples(config);
    for (const path of stale) assert.equal(existsSync(path), false, path);
  });

  it('the report shows Unicode direction controls escaped instead of obeying them', () => {
    const record = { ...sampleRecord(), finalOutput: 'saved as \u202Egnp.exe', request: { id: 'r', text: 'a \u2066request\u2069', source: 'builtin' } };
    const row = reportRow(record);
    assert.equal(row.output, 'saved as \\u202Egnp.exe');
    assert.equal(row.request, 'a \\u2066request\\u2069');
    const file = writeReport([record], join(tempDir(), 'report.html'));
    const html = readFileSync(file, 'utf8');
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(html), 'no live direction control in the page');
  });
});
