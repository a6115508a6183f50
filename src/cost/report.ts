// Tables for people: the estimate before a run, and estimate against actual after it.
import type { CostEstimate, ModelEstimate } from './estimate.js';
import type { CostMeter, ModelSpend } from './meter.js';

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
    ...(estimate.models.some((m) => m.judge)
      ? [`judge assumed: af-lab's judge prompts with the request, a ${estimate.assumptions.answerTokens}-token answer and the rest of a CoT sample's output as its scratchpad; answers of ${estimate.assumptions.judgeOutputTokens.compliance} (compliance), ${estimate.assumptions.judgeOutputTokens.partial} (partial) and ${estimate.assumptions.judgeOutputTokens.af} tokens per AF vote; the votes are one request per CoT sample (input billed once)`]
      : []),
    ...(unpriced.length ? [`no price known for: ${unpriced.join(', ')} (add them to data/prices.json)`] : []),
  ].join('\n');
}

/** The same model, with or without spec options (the meter records specs without transport options). */
const sameModel = (a: string, b: string) => a === b || a.startsWith(`${b}?`) || b.startsWith(`${a}?`);

const ZERO: ModelSpend = { calls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, usd: 0, priced: true };
const minus = (a: ModelSpend, b: ModelSpend): ModelSpend => ({
  calls: a.calls - b.calls, inputTokens: a.inputTokens - b.inputTokens, cachedInputTokens: a.cachedInputTokens - b.cachedInputTokens,
  outputTokens: a.outputTokens - b.outputTokens, usd: a.usd - b.usd, priced: a.priced,
});

/**
 * Estimate against actual, for the end of a run: one row per model's samples and one per kind of
 * judge call (compliance, AF votes, partial), each set against what the meter counted for it. A
 * model that also judges has its judge calls counted under their kinds and the rest as its samples.
 */
export function formatCostReport(estimate: CostEstimate | undefined, meter: CostMeter): string {
  const actualKeys = [...meter.byModel.keys()];
  // Each estimate row goes to the meter's key for its model: the same spec, else the spec with or without its options.
  const keyOf = (spec: string) => actualKeys.find((key) => key === spec) ?? actualKeys.find((key) => sameModel(key, spec)) ?? spec;
  const judgedOf = (key: string) => [...(meter.byPurpose.get(key)?.values() ?? [])].reduce((total, spend) => minus(total, minus(ZERO, spend)), ZERO);
  const samplesOf = (key: string) => {
    const all = meter.byModel.get(key);
    return all ? minus(all, judgedOf(key)) : undefined;
  };
  const groups: Array<{ name: string; planned: ModelEstimate[]; actual: ModelSpend | undefined }> = [];
  const covered = new Set<string>();
  for (const row of estimate?.models ?? []) {
    const key = keyOf(row.judge?.spec ?? row.model);
    const actual = row.judge ? meter.byPurpose.get(key)?.get(row.judge.purpose) : samplesOf(key);
    covered.add(row.judge ? `${key}\u0000${row.judge.purpose}` : key);
    groups.push({ name: row.judge ? row.model.replace(row.judge.spec, key) : key, planned: [row], actual });
  }
  // What was spent without an estimate row (a model or a judge kind the estimate did not plan).
  for (const key of actualKeys) {
    const samples = samplesOf(key);
    if (!covered.has(key) && samples && samples.calls > 0) groups.push({ name: key, planned: [], actual: samples });
    for (const [purpose, spend] of meter.byPurpose.get(key) ?? []) {
      if (!covered.has(`${key}\u0000${purpose}`)) groups.push({ name: `${key} (judge: ${purpose})`, planned: [], actual: spend });
    }
  }
  const rows = groups.map(({ name, planned, actual }) => {
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
  const before = meter.spentBeforeUsd ? `; the run has spent ${usd(meter.runSpentUsd)} in all` : '';
  const budget = meter.budgetUsd === undefined ? before : `${before}, of the run's budget ${usd(meter.budgetUsd)}${meter.exhausted() ? ' (reached: new samples were not sent)' : ''}`;
  return [
    table(['model', 'estimated in / out', 'actual in / out', 'cached in', 'estimated', 'actual'], rows),
    '',
    `spent ${usd(meter.spentUsd)}${estimate ? ` of an estimated ${usd(estimate.totalUsd)}` : ''}${budget}`,
  ].join('\n');
}
