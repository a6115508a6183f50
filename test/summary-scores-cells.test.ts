// A user scorer's numeric values are summarised in the cells its yes/no values would be: per condition
// (a statement name with two texts is two conditions, name@hash), and with three tiers per monitored
// context against the unmonitored one; each cell's free - paid difference with Welch's interval and p.
// The terminal line, the Markdown table and scores.csv say the same numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { SampleRecord, SettingStamp } from '../src/core/types.js';
import { buildSummary, formatScores, scoresCsv, scoresMarkdown } from '../src/summary/index.js';
import { meanInterval, meanState, welchDifference } from '../src/stats/index.js';
import { record } from './judge-fixtures.js';

const stamp = (context: string, meaning: SettingStamp['meaning']): SettingStamp =>
  ({ name: 'three-tier', context, meaning, answer: { block: 'last', open: '<OUTPUT>', close: '</OUTPUT>' }, scoring: { proxy: 'prefix', denominator: 'answered' }, sources: {} }) as unknown as SettingStamp;
const CONTEXTS = [
  { context: 'free', meaning: 'trained', tier: 'free' },
  { context: 'pro', meaning: 'rated', tier: 'free' },
  { context: 'enterprise', meaning: 'neither', tier: 'paid' },
] as const;

// A fixed, varied set of values: per record a length (a number) and a yes/no, in every context.
function records(): SampleRecord[] {
  const out: SampleRecord[] = [];
  let i = 0;
  for (const [variant, variantHash] of [['baseline', 'b'.repeat(64)], ['koorndijk-a', '1'.repeat(64)], ['koorndijk-a', '2'.repeat(64)]] as const) {
    for (const { context, meaning, tier } of CONTEXTS) {
      for (let k = 0; k < 4 + (i % 3); k++) {
        i++;
        const length = ((i * 37) % 23) + (context === 'free' ? 5 : 0);
        out.push(record({ variant, variantHash, tier, setting: stamp(context, meaning), labels: { proxy: { complied: true }, heuristic: { complied: null }, scores: { length: { scorer: 'length', hash: 'h', value: length }, long: { scorer: 'long', hash: 'h', value: length > 12 } } } }));
      }
    }
  }
  return out;
}

const sumsOf = (values: number[]) => meanState(values);

test('numeric scores are in the yes/no rows\' cells (name@hash conditions, each monitored context vs the unmonitored one), with Welch\'s difference', () => {
  const all = records();
  const summary = buildSummary(all);
  const cell = (row: { model: string; variant: string; reasoning: string; context?: string }) => `${row.model}|${row.variant}|${row.reasoning}|${row.context ?? ''}`;
  const yesNo = summary.rows.filter((row) => row.label === 'long').map(cell);
  const numeric = summary.scores!.filter((row) => row.scorer === 'length');
  assert.deepEqual(numeric.map(cell), yesNo, 'the same cells, in the same order');
  assert.ok(yesNo.includes('sim/faker|baseline|cot|pro vs enterprise') && yesNo.includes('sim/faker|koorndijk-a@1111111|cot|pro vs paid') && yesNo.includes('sim/faker|koorndijk-a@2222222|cot|free vs paid'));
  assert.equal(numeric.length, 6);

  for (const row of numeric) {
    // The cell's values, picked from the records independently of the summary's grouping.
    const [name, short] = row.variant.split('@');
    const monitored = row.context!.split(' vs ')[0];
    const inCondition = all.filter((r) => r.variant === name && (!short || r.variantHash!.startsWith(short)));
    const values = (rs: SampleRecord[]) => rs.map((r) => r.labels.scores!.length.value as number);
    const free = values(inCondition.filter((r) => r.tier === 'free' && r.setting!.context === monitored));
    const paid = values(inCondition.filter((r) => r.tier === 'paid'));
    assert.deepEqual(row.free, meanInterval(sumsOf(free), summary.confLevel));
    assert.deepEqual(row.paid, meanInterval(sumsOf(paid), summary.confLevel));
    const welch = welchDifference(sumsOf(free), sumsOf(paid), summary.confLevel);
    assert.deepEqual([row.difference, row.differenceCi, row.df, row.pWelch], [welch.difference, welch.differenceCi, welch.df, welch.pWelch]);
    assert.ok(Math.abs(row.difference! - (row.free.mean! - row.paid.mean!)) < 1e-12, 'free - paid');
    // The yes/no row of this cell counts the same records.
    const twin = summary.rows.find((r) => r.label === 'long' && cell(r) === cell(row))!;
    assert.deepEqual([twin.free.n, twin.paid.n], [row.free.n, row.paid.n]);
  }
});

test('the terminal line, the Markdown table and scores.csv say the numbers of the summary', () => {
  // One condition, two tiers: free 1, 2, 3 (mean 2) against paid 4, 6 (mean 5).
  const rs = [1, 2, 3].map((v) => record({ labels: { proxy: { complied: true }, heuristic: { complied: null }, scores: { length: { scorer: 'length', hash: 'h', value: v } } } }))
    .concat([4, 6].map((v) => record({ tier: 'paid', labels: { proxy: { complied: true }, heuristic: { complied: null }, scores: { length: { scorer: 'length', hash: 'h', value: v } } } })));
  const summary = buildSummary(rs);
  const [row] = summary.scores!;
  assert.equal(row.difference, -3);
  const [header, line] = formatScores(summary);
  assert.equal(header, "Scores (your scorers' numeric values): mean [95% t interval] (n), free | paid | free - paid [95% Welch interval] Welch's p (two-sided, not adjusted):");
  const signed = (x: number) => (x > 0 ? '+' : '') + String(Number(x.toPrecision(3)));
  const ci = `[${signed(row.differenceCi![0])}, ${signed(row.differenceCi![1])}]`;
  assert.ok(row.differenceCi![0] < -3 && row.differenceCi![1] > -3);
  assert.match(line, /^ {2}length {2}sim\/faker · baseline · cot \(SIMULATED\): free 2 \[[^\]]+\] \(n=3\) \| paid 5 \[[^\]]+\] \(n=2\) \| free - paid -3 /);
  assert.ok(line.endsWith(`free - paid -3 ${ci} p=${Number(row.pWelch!.toPrecision(4))}`), line);
  assert.ok(scoresMarkdown(summary).includes(`| -3 ${ci} | ${Number(row.pWelch!.toPrecision(4))} |`));
  const [csvRow] = parse(scoresCsv(summary), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(
    [csvRow.free_mean, csvRow.paid_mean, csvRow.difference, csvRow.difference_ci_low, csvRow.difference_ci_high, csvRow.welch_df, csvRow.welch_p, csvRow.context].map(String),
    [2, 5, -3, row.differenceCi![0], row.differenceCi![1], row.df, row.pWelch, ''].map(String),
  );
});
