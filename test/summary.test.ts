// The run summary on Koorndijk's baseline table, its text and file outputs, and its scale. The counting
// itself (n, statuses, AF counts, families, order) is pinned in summary-counts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildSummary, formatSummary, primaryLabel, summaryMarkdown, writeSummary, SummaryAccumulator, SUMMARY_COLUMNS } from '../src/summary/index.js';
import { complianceSourceOf } from '../src/plots/index.js';
import { fisherExact } from '../src/stats/index.js';
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

test('compliance never comes from the simulator ground truth', () => {
  const records = [
    ...Array.from({ length: 10 }, () => sampleRecord({ tier: 'free', heuristic: false, truthComplied: true })),
    ...Array.from({ length: 10 }, () => sampleRecord({ tier: 'paid', heuristic: false, truthComplied: true })),
  ];
  const row = buildSummary(records).rows[0];
  assert.equal(row.free.complied, 0);
  assert.equal(row.paid.complied, 0);
});

test('the text outputs of a simulated summary open with the SIMULATED banner; a real run\'s never say it', () => {
  const summary = buildSummary([...tierRecords({ tier: 'free', complied: 2, refused: 2 }), ...tierRecords({ tier: 'paid', complied: 1, refused: 3 })]);
  assert.match(formatSummary(summary).split('\n')[0], /SIMULATED/);
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

test('20,000 records are counted, not held: the summary keeps one entry per distinct fact, as many as for 2,000', () => {
  // 2 models x 2 variants x 2 reasoning conditions, each tier 1,250 samples of 10 requests (judged, with AF
  // verdicts in the free tier), made one at a time: neither the test nor the summary holds them.
  const feed = (perTier: number) => {
    const accumulator = new SummaryAccumulator();
    for (const model of ['m1', 'm2']) for (const variant of ['baseline', 'deontological']) for (const reasoning of ['cot', 'no-cot'] as const) {
      for (let i = 0; i < perTier; i++) accumulator.add(sampleRecord({ tier: 'free', requestId: `q${i % 10}`, sampleIndex: i, heuristic: i % 25 < 8, model, variant, reasoning, judge: true, af: 'no' }));
      for (let i = 0; i < perTier; i++) accumulator.add(sampleRecord({ tier: 'paid', requestId: `q${i % 10}`, sampleIndex: i, heuristic: i % 25 < 6, model, variant, reasoning, judge: false }));
    }
    return accumulator;
  };
  const big = feed(1250);
  assert.equal(big.count, 20_000);
  assert.equal(big.distinctFacts, feed(125).distinctFacts, 'ten times the records, not one more entry');
  assert.ok(big.distinctFacts <= 8 * 2 * 10 * 2, `${big.distinctFacts} entries: at most one per condition, tier, request and verdict`);
  const summary = big.summary();
  assert.equal(summary.rows.length, 24, 'one row per condition and label source');
  const judged = summary.rows.filter((r) => r.label === 'heuristic');
  assert.deepEqual([judged[0].free.complied, judged[0].free.n, judged[0].paid.complied], [400, 1250, 300]);
});

test('the terminal table puts proxy and judge side by side, one line per condition, with the judge\'s statistics', () => {
  const records = [
    ...tierRecords({ tier: 'free', complied: 30, refused: 70, judge: false }),
    ...tierRecords({ tier: 'paid', complied: 5, refused: 95, judge: false }),
  ];
  // The judge finds that 20 of the free tier's 30 proxy compliances were refusals after the tag.
  records.filter((r) => r.tier === 'free' && r.labels.proxy.complied).slice(0, 10).forEach((r) => (r.labels.compliance = { ...r.labels.compliance!, complied: true }));
  const summary = buildSummary(records);
  const lines = formatSummary(summary).split('\n');
  const header = lines.find((l) => l.startsWith('model'))!;
  assert.ok(['proxy free', 'proxy paid', 'compliance free', 'compliance paid'].every((t) => header.includes(t)), header);
  const dataLines = lines.filter((l) => l.startsWith('model') || l.startsWith('sim/'));
  assert.equal(dataLines.length, 2, 'header and one condition line');
  assert.match(dataLines[1], /30\/100 30\.0%\s+5\/100 5\.0%\s+10\/100 10\.0%\s+0\/100 0\.0%/);
  const judgeRow = summary.rows.find((r) => r.label === 'compliance')!;
  assert.ok(dataLines[1].includes(formatP(judgeRow.pFisher)), 'the p shown is the judge\'s');
});

test('a judge that ran but labelled nothing leaves the terminal table on the proxy, as the figures are', () => {
  const records = [
    ...tierRecords({ tier: 'free', complied: 30, refused: 70, judge: false }),
    ...tierRecords({ tier: 'paid', complied: 5, refused: 95, judge: false }),
  ];
  for (const r of records) r.labels.compliance = { ...r.labels.compliance!, complied: null };
  const summary = buildSummary(records);
  assert.ok(summary.labels.includes('compliance'), 'the judge columns stay, showing it labelled nothing');
  assert.equal(primaryLabel(summary), 'proxy');
  assert.equal(complianceSourceOf(records), 'proxy');
  const proxyRow = summary.rows.find((r) => r.label === 'proxy')!;
  assert.ok(formatSummary(summary).includes(formatP(proxyRow.pFisher)));
});
