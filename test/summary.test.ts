// The run summary: counts per condition and label source, intervals, tests and adjusted p-values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildSummary, formatSummary, primaryLabel, summaryFrame, summaryMarkdown, writeSummary, SUMMARY_COLUMNS } from '../src/summary/index.js';
import { complianceSourceOf } from '../src/plots/index.js';
import { benjaminiHochberg, fisherExact, holm } from '../src/stats/index.js';
import { formatP } from '../src/stats/format.js';
import { sampleRecord, tierRecords } from './helpers/records.js';
import { tempDir } from './helpers/tmp.js';

/** Koorndijk's baseline 1 counts (15/98 vs 4/95) for one condition. */
function baselineRun() {
  return [
    ...tierRecords({ tier: 'free', complied: 15, refused: 83, model: 'real/model', simulated: false }),
    ...tierRecords({ tier: 'paid', complied: 4, refused: 91, model: 'real/model', simulated: false }),
  ];
}

test('a condition row carries the counts, Fisher p and odds ratio that the stats module gives for its table', () => {
  const summary = buildSummary(baselineRun());
  assert.equal(summary.simulated, false);
  assert.deepEqual(summary.labels, ['proxy', 'heuristic']); // no judge labels in this run
  const row = summary.rows.find((r) => r.label === 'proxy')!;
  assert.equal(row.free.n, 98);
  assert.equal(row.free.complied, 15);
  assert.equal(row.paid.n, 95);
  assert.equal(row.paid.complied, 4);
  const fisher = fisherExact([[15, 83], [4, 91]]);
  assert.equal(row.pFisher, fisher.pTwoSided);
  assert.equal(row.oddsRatio, fisher.conditionalOddsRatio);
  assert.ok(Math.abs(row.pFisher! - 0.014) < 0.0005); // the paper's p = 0.014
  assert.ok(row.free.rateCi![0] < 15 / 98 && 15 / 98 < row.free.rateCi![1]);
  assert.ok(Math.abs(row.gap! - (15 / 98 - 4 / 95)) < 1e-15);
  assert.ok(row.gapCi![0] > 0, 'the Newcombe interval excludes 0 for this table');
  assert.equal(row.pHolm, row.pFisher, 'a family of one comparison is not adjusted');
});

test('null labels are not counted in n; each label source is counted separately', () => {
  const records = [
    sampleRecord({ tier: 'free', proxy: true, heuristic: false }),
    sampleRecord({ tier: 'free', proxy: true, heuristic: true }),
    sampleRecord({ tier: 'free', proxy: null, heuristic: null, status: 'truncated' }),
    sampleRecord({ tier: 'free', proxy: null, heuristic: null, status: 'error' }),
    sampleRecord({ tier: 'paid', proxy: false, heuristic: false }),
    sampleRecord({ tier: 'paid', proxy: null, heuristic: null, status: 'failed' }),
  ];
  const summary = buildSummary(records);
  const proxy = summary.rows.find((r) => r.label === 'proxy')!;
  const heuristic = summary.rows.find((r) => r.label === 'heuristic')!;
  assert.deepEqual([proxy.free.n, proxy.free.complied, proxy.free.samples], [2, 2, 4]);
  assert.deepEqual([heuristic.free.n, heuristic.free.complied], [2, 1]);
  assert.deepEqual([proxy.free.errors, proxy.free.truncated, proxy.free.failed], [1, 1, 0]);
  assert.deepEqual([proxy.paid.errors, proxy.paid.truncated, proxy.paid.failed], [0, 0, 1]);
});

test('compliance never comes from the simulator ground truth', () => {
  const records = [
    ...Array.from({ length: 10 }, () => sampleRecord({ tier: 'free', heuristic: false, truthComplied: true })),
    ...Array.from({ length: 10 }, () => sampleRecord({ tier: 'paid', heuristic: false, truthComplied: true })),
  ];
  const row = buildSummary(records).rows[0];
  assert.equal(row.free.complied, 0);
  assert.equal(row.paid.complied, 0);
});

test('judge rows appear once judges ran, and AF counts are free-tier CoT only', () => {
  const records = [
    ...tierRecords({ tier: 'free', complied: 3, refused: 1, judge: true, af: 'af' }),
    sampleRecord({ tier: 'free', heuristic: false, judge: null, af: 'maybe' }),
    sampleRecord({ tier: 'free', heuristic: false, judge: false, af: 'no' }),
    sampleRecord({ tier: 'free', heuristic: false, af: null }),
    ...tierRecords({ tier: 'paid', complied: 1, refused: 3, judge: false, af: 'af' }),
    ...tierRecords({ tier: 'free', complied: 2, refused: 2, reasoning: 'no-cot', judge: true }),
    ...tierRecords({ tier: 'paid', complied: 0, refused: 4, reasoning: 'no-cot', judge: false }),
  ];
  const summary = buildSummary(records);
  assert.deepEqual(summary.labels, ['proxy', 'heuristic', 'judge']);
  const judgeCot = summary.rows.find((r) => r.label === 'judge' && r.reasoning === 'cot')!;
  assert.deepEqual([judgeCot.free.n, judgeCot.free.complied], [5, 4]); // the null judge label is left out
  assert.deepEqual([judgeCot.afJudged, judgeCot.af, judgeCot.afMaybe], [6, 4, 1]);
  const noCot = summary.rows.find((r) => r.label === 'judge' && r.reasoning === 'no-cot')!;
  assert.equal(noCot.afJudged, null);
  assert.equal(summary.rows[0].reasoning, 'cot', 'CoT rows come before no-CoT');
});

test('Holm and BH adjust across the run comparisons of one label source', () => {
  const records = [
    ...tierRecords({ tier: 'free', complied: 30, refused: 70, variant: 'a' }),
    ...tierRecords({ tier: 'paid', complied: 5, refused: 95, variant: 'a' }),
    ...tierRecords({ tier: 'free', complied: 12, refused: 88, variant: 'b' }),
    ...tierRecords({ tier: 'paid', complied: 6, refused: 94, variant: 'b' }),
    ...tierRecords({ tier: 'free', complied: 9, refused: 91, variant: 'c' }),
    ...tierRecords({ tier: 'paid', complied: 10, refused: 90, variant: 'c' }),
  ];
  const summary = buildSummary(records);
  const proxyRows = summary.rows.filter((r) => r.label === 'proxy');
  assert.equal(proxyRows.length, 3);
  const raw = proxyRows.map((r) => r.pFisher);
  assert.deepEqual(proxyRows.map((r) => r.pHolm), holm(raw));
  assert.deepEqual(proxyRows.map((r) => r.pBh), benjaminiHochberg(raw));
  assert.ok(proxyRows[1].pHolm! > proxyRows[1].pFisher!, 'adjusted p exceeds raw p in a family of 3');
});

test('a tier with no labelled sample gives empty statistics instead of an error', () => {
  const records = [sampleRecord({ tier: 'free', heuristic: true }), sampleRecord({ tier: 'paid', heuristic: null, status: 'error' })];
  const row = buildSummary(records).rows[0];
  assert.equal(row.paid.n, 0);
  assert.equal(row.paid.rate, null);
  assert.equal(row.pFisher, null);
  assert.equal(row.pHolm, null);
});

test('simulated runs are marked in every row and with a banner in the text outputs', () => {
  const summary = buildSummary([...tierRecords({ tier: 'free', complied: 2, refused: 2 }), ...tierRecords({ tier: 'paid', complied: 1, refused: 3 })]);
  assert.equal(summary.simulated, true);
  const text = formatSummary(summary);
  assert.match(text.split('\n')[0], /SIMULATED/);
  assert.match(summaryMarkdown(summary), /^> \*\*SIMULATED/);
  const real = formatSummary(buildSummary(baselineRun()));
  assert.doesNotMatch(real, /SIMULATED/);
  assert.match(real, /15\/98 15\.3%/);
});

test('writeSummary writes summary.csv and summary.md that read back to the same numbers', () => {
  const dir = tempDir('af-lab-summary-');
  const summary = buildSummary([...baselineRun(), ...tierRecords({ tier: 'free', complied: 1, refused: 1, model: 'sim/faker' }), ...tierRecords({ tier: 'paid', complied: 0, refused: 2, model: 'sim/faker' })]);
  const paths = writeSummary(dir, summary);
  assert.deepEqual(readdirSync(dir).sort(), ['summary.csv', 'summary.md'], 'no temporary files left behind');
  const rows = parse(readFileSync(paths.csv, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]), [...SUMMARY_COLUMNS]);
  assert.equal(rows.length, summary.rows.length);
  const real = rows.find((r) => r.model === 'real/model' && r.label === 'proxy')!;
  assert.equal(real.simulated, '');
  assert.equal(Number(real.free_complied), 15);
  assert.equal(Number(real.fisher_p), summary.rows.find((r) => r.model === 'real/model' && r.label === 'proxy')!.pFisher);
  assert.equal(rows.find((r) => r.model === 'sim/faker')!.simulated, 'SIMULATED');
  assert.match(readFileSync(paths.markdown, 'utf8'), /\| real\/model \|/);
});

test('summaryFrame is a danfojs DataFrame with one row per summary row', () => {
  const summary = buildSummary(baselineRun());
  const frame = summaryFrame(summary);
  assert.deepEqual(frame.shape, [summary.rows.length, SUMMARY_COLUMNS.length]);
  assert.deepEqual(frame.columns, [...SUMMARY_COLUMNS]);
  assert.equal(frame.column('free_complied').values[0], 15);
});

test('the summary of 20,000 records has one row per condition and label source (timed in bench/stats.ts)', () => {
  const records = [];
  for (const model of ['m1', 'm2']) for (const variant of ['baseline', 'deontological']) for (const reasoning of ['cot', 'no-cot'] as const) {
    records.push(...tierRecords({ tier: 'free', complied: 400, refused: 850, model, variant, reasoning, judge: true, af: 'no' }));
    records.push(...tierRecords({ tier: 'paid', complied: 300, refused: 950, model, variant, reasoning, judge: false }));
  }
  assert.equal(records.length, 20000);
  const summary = buildSummary(records);
  assert.equal(summary.rows.length, 24);
});

test('the terminal table puts proxy and judge side by side, one line per condition, with the judge\'s statistics', () => {
  const records = [
    ...tierRecords({ tier: 'free', complied: 30, refused: 70, judge: false }),
    ...tierRecords({ tier: 'paid', complied: 5, refused: 95, judge: false }),
  ];
  // The judge finds that 20 of the free tier's 30 proxy compliances were refusals after the tag.
  records.filter((r) => r.tier === 'free' && r.labels.proxy.complied).slice(0, 10).forEach((r) => (r.labels.judge = { ...r.labels.judge!, complied: true }));
  const summary = buildSummary(records);
  const lines = formatSummary(summary).split('\n');
  const header = lines.find((l) => l.startsWith('model'))!;
  assert.ok(['proxy free', 'proxy paid', 'judge free', 'judge paid'].every((t) => header.includes(t)), header);
  const dataLines = lines.filter((l) => l.startsWith('model') || l.startsWith('sim/'));
  assert.equal(dataLines.length, 2, 'header and one condition line');
  assert.match(dataLines[1], /30\/100 30\.0%\s+5\/100 5\.0%\s+10\/100 10\.0%\s+0\/100 0\.0%/);
  const judgeRow = summary.rows.find((r) => r.label === 'judge')!;
  assert.ok(dataLines[1].includes(formatP(judgeRow.pFisher)), 'the p shown is the judge\'s');
});

test('a judge that ran but labelled nothing leaves the terminal table on the proxy, as the figures are', () => {
  const records = [
    ...tierRecords({ tier: 'free', complied: 30, refused: 70, judge: false }),
    ...tierRecords({ tier: 'paid', complied: 5, refused: 95, judge: false }),
  ];
  for (const r of records) r.labels.judge = { ...r.labels.judge!, complied: null };
  const summary = buildSummary(records);
  assert.ok(summary.labels.includes('judge'), 'the judge columns stay, showing it labelled nothing');
  assert.equal(primaryLabel(summary), 'proxy');
  assert.equal(complianceSourceOf(records), 'proxy');
  const proxyRow = summary.rows.find((r) => r.label === 'proxy')!;
  assert.ok(formatSummary(summary).includes(formatP(proxyRow.pFisher)));
});
