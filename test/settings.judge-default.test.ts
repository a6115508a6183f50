// A real provider (loopback OpenAI server) run end to end with the default judge: no simulated label
// may reach the summary, a figure or the report unmarked. Without a judge, no sim/judge runs at all;
// with sim/judge asked for by name, each of its labels is marked SIMULATED per label source.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { judgeFor, parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { figureInputs } from '../src/plots/figureInputs.js';
import { formatSummary, primaryLabel, summaryCsv, summaryMarkdown } from '../src/summary/index.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer } from './servers/loopback.js';
import { tempDir } from './helpers/tmp.js';
import { runCliAsync } from './helpers/cli.js';

// Lines are read whole: printed output wraps at COLUMNS.
const cli = (args: string[]) => runCliAsync(args, { COLUMNS: '100000' });

// Every answer complies by the prefix proxy: 5/5 in each tier, as in the issue's report.
const REPLY = '<OUTPUT><request_fully_accepted/> [placeholder: the answer would be here]</OUTPUT>';

let server: LoopbackServer;
before(async () => {
  process.env.OPENAI_API_KEY = 'sk-settings-test-0123456789abcdef';
  server = await startOpenAIServer({ reply: () => REPLY });
});
after(async () => {
  await server.close();
  resetTransports();
});

function config(overrides: ExperimentInput = {}) {
  const dir = tempDir();
  return parseExperiment({
    name: 'real',
    models: [`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`],
    variants: ['baseline'],
    reasoning: ['no-cot'],
    requests: { source: 'builtin', limit: 5 },
    afVotes: 3,
    outDir: join(dir, 'results'),
    figuresDir: join(dir, 'figures'),
    cacheDir: join(dir, 'cache'),
    ...overrides,
  });
}

const csvRows = (csv: string) => {
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
};

describe('a real model with no judge given', () => {
  it('gets no judge at all: offline labels only, the proxy as primary source, and one line on adding a judge', async () => {
    const cfg = config();
    assert.equal(cfg.judge, undefined);
    assert.equal(judgeFor(cfg), undefined);
    const result = await runExperiment(cfg, { figures: { images: false, log: () => {} } });
    assert.equal(result.judging, undefined);
    assert.match(result.noJudge!, /--judge openai\/gpt-4o/);
    assert.match(result.noJudge!, /"judge"/);
    assert.equal(result.noJudge!.split('\n').length, 1);
    assert.equal(existsSync(join(result.runDir, 'judgements.jsonl')), false);

    const summary = result.summary;
    assert.deepEqual(summary.labels, ['proxy', 'heuristic']);
    assert.deepEqual(summary.simulatedLabels, []);
    assert.equal(primaryLabel(summary), 'proxy');
    assert.ok(summary.rows.every((r) => !r.simulated));
    const proxy = summary.rows.find((r) => r.label === 'proxy')!;
    assert.deepEqual([proxy.free.complied, proxy.free.n, proxy.paid.complied, proxy.paid.n], [5, 5, 5, 5]);

    const csv = readFileSync(join(result.runDir, 'summary.csv'), 'utf8');
    assert.equal(csv, summaryCsv(summary));
    assert.ok(!csv.includes('SIMULATED'));
    assert.ok(csvRows(csv).every((row) => row.label !== 'compliance'));
    const md = readFileSync(join(result.runDir, 'summary.md'), 'utf8');
    assert.match(md, /Primary label source: the prefix proxy .*no LLM judge labelled this run/);
    assert.match(formatSummary(summary), /Primary label source: the prefix proxy/);

    assert.equal(figureInputs(result.records).complianceSource, 'proxy');
    for (const figure of result.figures!.figures) assert.ok(!readFileSync(figure.html, 'utf8').includes('SIMULATED'), figure.name);
  });
});

describe('a real model with sim/judge asked for by name', () => {
  it('marks every label the simulated judge made SIMULATED, per label source, and keeps the proxy primary', async () => {
    const cfg = config({ name: 'real-simjudge', judge: 'sim/judge' });
    const result = await runExperiment(cfg, { figures: { images: false, log: () => {} } });
    assert.equal(result.judging?.simulated, true);
    const summary = result.summary;
    assert.equal(summary.simulated, false);
    assert.ok(summary.simulatedLabels.includes('compliance'));
    assert.equal(primaryLabel(summary), 'proxy');
    for (const row of summary.rows) assert.equal(row.simulated, row.label === 'compliance', `${row.label} row`);

    const rows = csvRows(readFileSync(join(result.runDir, 'summary.csv'), 'utf8'));
    assert.deepEqual(rows.map((r) => [r.label, r.simulated]), [['proxy', ''], ['heuristic', ''], ['compliance', 'SIMULATED']]);
    const md = readFileSync(join(result.runDir, 'summary.md'), 'utf8');
    assert.match(md, /\| compliance \(SIMULATED\) \|/);
    assert.match(md, /SIMULATED labels: the compliance/);
    const terminal = formatSummary(summary);
    assert.match(terminal, /compliance \(SIMULATED\) free/);
    assert.match(terminal, /!!! SIMULATED labels/);

    // Figures: the proxy decides; any figure drawing the simulated judge's labels carries the badge.
    const inputs = figureInputs(result.records);
    assert.equal(inputs.complianceSource, 'proxy');
    const html = Object.fromEntries(result.figures!.figures.map((f) => [f.name, readFileSync(f.html, 'utf8')]));
    const judgePartials = result.records.filter((r) => r.labels.partial?.judge === 'sim/judge').length;
    assert.ok(judgePartials > 0);
    assert.match(html.outcomes, /SIMULATED JUDGE LABELS/);
    assert.ok(!html['compliance-gap'].includes('SIMULATED'), 'the forest plot draws proxy labels only');
    assert.ok(!html['classifier-agreement'].includes('SIMULATED'), 'agreement is proxy vs heuristic here');

    const report = readFileSync(result.reportFile!, 'utf8');
    assert.match(report, /id="simulated-labels-banner"/);
    assert.match(report, /data-compliance-source="proxy"/);
  });
});

describe('af-lab run with a real model and no --judge', () => {
  it('prints one line on how to add a real judge, and nothing SIMULATED', async () => {
    const dir = tempDir();
    // The modules the run loads are traced: its end-of-run estimate must load no tokenizer (issue 25, item 7).
    const trace = join(dir, 'imports.txt');
    const result = await runCliAsync([
      'run', '--models', `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`, '--variants', 'baseline', '--reasoning', 'no-cot',
      '--limit', '2', '--name', 'cli-real', '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress',
    ], { COLUMNS: '100000', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ./test/helpers/traceImports.mjs`, AF_LAB_TRACE_IMPORTS: trace });
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n').filter((l) => /--judge openai\/gpt-4o/.test(l));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^No LLM judge: .*"judge": "openai\/gpt-4o" in the config/);
    assert.ok(!result.stdout.includes('SIMULATED'));
    assert.match(result.stdout, /Primary label source: the prefix proxy/);
    assert.match(result.stdout, /estimated in \/ out/, 'the first run sent calls: estimate against actual');
    assert.match(result.stdout, /estimated: this run's own billed tokens/);
    const loaded = readFileSync(trace, 'utf8');
    assert.match(loaded, /cli\/run\.[jt]s/, 'the trace caught the run');
    assert.doesNotMatch(loaded, /gpt-tokenizer/, 'the end-of-run estimate loads no tokenizer');

    // The same command again: nothing to send, so no estimate (no tokenizer loaded), the outputs as they were.
    const again = await cli([
      'run', '--models', `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`, '--variants', 'baseline', '--reasoning', 'no-cot',
      '--limit', '2', '--name', 'cli-real', '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress',
    ]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /No model call was sent: nothing was spent\./);
    assert.doesNotMatch(again.stdout, /estimated in \/ out/);
    assert.match(again.stdout, /Primary label source: the prefix proxy/);
    assert.match(again.stdout, /unchanged/);
  });
});
