// Tables for people: the estimate before a run, and estimate against actual after it.
import { JUDGE_ROW_SUFFIX, type CostEstimate, type ModelEstimate } from './estimate.js';
import type { CostMeter } from './meter.js';

const usd = (value: number | undefined) => (value === undefined ? 'no price' : `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`);
const tokens = (value: number) => value.toLocaleString('en-US');
const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The `af-lab estimate` printout. */
export function formatEstimate(estimate: CostEstimate): string {
  // With --batch (priceBatched), both prices: each row's direct and batched expectation.
  const batch = estimate.batchTotalUsd !== undefined;
  const rows = estimate.models.map((m) => [
    m.model,
    String(m.samples),
    tokens(m.inputTokens),
    tokens(m.cachedInputTokens),
    tokens(m.outputTokens),
    usd(m.usd),
    usd(m.worstCaseUsd),
    ...(batch ? [m.batchUsd === undefined ? 'not batched' : usd(m.batchUsd)] : []),
    m.tokenizer,
  ]);
  const unpriced = estimate.models.filter((m) => !m.priced).map((m) => m.model);
  return [
    table(['model', 'samples', 'input tokens', 'cached', 'output tokens', 'expected', 'worst case', ...(batch ? ['batched'] : []), 'tokens counted with'], rows),
    '',
    `total: ${usd(estimate.totalUsd)} expected, ${usd(estimate.worstCaseUsd)} worst case (prices of ${estimate.pricesDate}, data/prices.json)`,
    ...(batch ? [`total with --batch: ${usd(estimate.batchTotalUsd)} expected, ${usd(estimate.batchWorstCaseUsd)} worst case (batched rows at the batch price of data/prices.json; answers within 24 hours)`] : []),
    `output assumed: CoT ${estimate.assumptions.outputTokensPerTurn.cot} tokens/turn × ${estimate.assumptions.turnsPerSample.cot} turns, no-CoT ${estimate.assumptions.outputTokensPerTurn['no-cot']} tokens; worst case: every turn to maxTokens`,
    ...(unpriced.length ? [`no price known for: ${unpriced.join(', ')} (add them to data/prices.json)`] : []),
  ].join('\n');
}

/** The spec an estimate row stands for: the judge's row is `<spec> (judge)`, while the meter counts its calls under `<spec>`. */
function estimatedSpec(row: ModelEstimate): string {
  return row.model.endsWith(JUDGE_ROW_SUFFIX) ? row.model.slice(0, -JUDGE_ROW_SUFFIX.length) : row.model;
}

/** The same model, with or without spec options (the meter records specs without transport options). */
const sameModel = (a: string, b: string) => a === b || a.startsWith(`${b}?`) || b.startsWith(`${a}?`);

/**
 * Estimate against actual, per model, for the end of a run. The meter counts a model's calls as
 * samples and as judge together, so a model's row sets all its estimate rows (samples, judge) against them.
 */
export function formatCostReport(estimate: CostEstimate | undefined, meter: CostMeter): string {
  const actualKeys = [...meter.byModel.keys()];
  // Each estimate row goes to the meter's key for its model: the same spec, else the spec with or without its options.
  const keyOf = (spec: string) => actualKeys.find((key) => key === spec) ?? actualKeys.find((key) => sameModel(key, spec)) ?? spec;
  const byModel = new Map<string, ModelEstimate[]>();
  for (const row of estimate?.models ?? []) {
    const key = keyOf(estimatedSpec(row));
    const group = byModel.get(key);
    if (group) group.push(row);
    else byModel.set(key, [row]);
  }
  for (const key of actualKeys) if (!byModel.has(key)) byModel.set(key, []);
  const rows = [...byModel].map(([model, planned]) => {
    const actual = meter.byModel.get(model);
    const judged = planned.filter((m) => m.model.endsWith(JUDGE_ROW_SUFFIX)).length;
    const name = judged === 0 ? model : judged === planned.length ? `${model}${JUDGE_ROW_SUFFIX}` : `${model} (samples + judge)`;
    const priced = planned.filter((m) => m.usd !== undefined);
    return [
      name,
      planned.length ? `${tokens(sum(planned, (m) => m.inputTokens))} / ${tokens(sum(planned, (m) => m.outputTokens))}` : '-',
      actual ? `${tokens(actual.inputTokens)} / ${tokens(actual.outputTokens)}` : '0 / 0',
      actual ? tokens(actual.cachedInputTokens) : '0',
      planned.length ? usd(priced.length ? sum(priced, (m) => m.usd!) : undefined) : '-',
      actual ? (actual.priced ? usd(actual.usd) : 'no price') : '$0.00',
    ];
  });
  const budget = meter.budgetUsd === undefined ? '' : `, budget ${usd(meter.budgetUsd)}${meter.exhausted() ? ' (reached: new samples were not sent)' : ''}`;
  return [
    table(['model', 'estimated in / out', 'actual in / out', 'cached in', 'estimated', 'actual'], rows),
    '',
    `spent ${usd(meter.spentUsd)}${estimate ? ` of an estimated ${usd(estimate.totalUsd)}` : ''}${budget}`,
  ].join('\n');
}
