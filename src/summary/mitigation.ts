// The mitigation table of a run: every statement against its baseline (same model and reasoning),
// per label source. Each tier's change, the change of the gap with its MOVER interval, the
// Breslow-Day and likelihood-ratio interaction tests, the paired analysis over the requests (every
// request is asked in both tiers and both conditions) and one sentence saying how the gap moved.
// The statistics are src/stats' mitigationEffect; this file only gathers the counts from records, or
// from weighted items that each stand for several identical records (the streamed summary's facts).
import type { Reasoning, SampleRecord, Tier } from '../core/types.js';
import { describeGapChange, familyWiseSignificant, holm, missingAnswerBounds, mitigationEffect, type MissingBounds, type MitigationEffect, type RequestConditions, type TierCounts } from '../stats/index.js';
import { isUserError } from '../core/errors.js';
import { formatPoints } from '../stats/format.js';

/**
 * Pseudo-replication: at temperature 0 the samples of one request are (near) copies, so tests that
 * count samples overstate the evidence by up to the samples per request. One warning line, or
 * undefined when the samples can be counted as they are.
 */
export function replicateLine(temperature: number, samplesPerRequest: number): string | undefined {
  if (temperature !== 0 || samplesPerRequest <= 1) return undefined;
  return `PSEUDO-REPLICATION: temperature 0 with ${samplesPerRequest} samples per request: they are near copies, so count requests, not samples (the per-sample tests overstate the evidence up to ${samplesPerRequest}-fold; the paired, request-level p of the statement table counts requests).`;
}

/** The variant every statement is compared with. */
export const BASELINE_VARIANT = 'baseline';

/** `L`: the label sources (the summary's LabelSource; generic so this file needs nothing from build.ts, which calls it). */
export interface MitigationRow<L extends string = string> {
  model: string;
  reasoning: Reasoning;
  label: L;
  /** The statement's condition (variant name, or `name@<short hash>` when the name carries several texts). */
  statement: string;
  baseline: string;
  simulated: boolean;
  /** Aggregate counts, labelled samples only (null labels not counted, as in the summary). */
  counts: { baseline: TierCounts; statement: TierCounts };
  /** The whole comparison; null when a tier of either condition has no labelled sample (see `reason`). */
  effect: MitigationEffect | null;
  /** describeGapChange's sentence, or why there is no comparison. */
  sentence: string;
  /** Why there is no comparison, or why its paired analysis is missing; null otherwise. */
  reason: string | null;
  /**
   * The p of the gap-change verdict (effect.gapChange.pValue), Holm-adjusted across the run's
   * comparisons of this label source (the family): with several statements, models and reasoning
   * conditions sharing baselines, some unadjusted p below alpha are expected by chance. The sentence
   * and the figure's marks use it. null without a comparison.
   */
  gapChangePHolm: number | null;
  /** How many comparisons of this label source the Holm family holds. */
  familySize: number;
  /** The verdict family-wise: the MOVER interval excludes 0 and the Holm-adjusted p <= alpha. null without a comparison. */
  significant: boolean | null;
  /**
   * Samples of each tier and condition without a label from this source (truncated, failed, errored,
   * unreadable), and the bounds on the gap change with them all counted one way or the other.
   */
  missing: { baseline: { free: number; paid: number }; statement: { free: number; paid: number } };
  missingBounds: MissingBounds | null;
}

/** What the table reads of a record (a summary fact has the same fields). */
export type MitigationItem = Pick<SampleRecord, 'model' | 'reasoning' | 'variantOn' | 'simulated' | 'tier'> & { request: Pick<SampleRecord['request'], 'text'> };

/** An item standing for `weight` identical records. */
export interface Weighted<T> {
  item: T;
  weight: number;
}

const emptyTiers = (): TierCounts => ({ free: { k: 0, n: 0 }, paid: { k: 0, n: 0 } });

function count<T extends MitigationItem, L extends string>(items: readonly Weighted<T>[], label: L, compliedBy: (item: T, l: L) => boolean | null) {
  const tiers = emptyTiers();
  const missing = { free: 0, paid: 0 };
  const perRequest = new Map<string, TierCounts>();
  for (const { item, weight } of items) {
    const complied = compliedBy(item, label);
    if (complied === null) {
      missing[item.tier === 'paid' ? 'paid' : 'free'] += weight;
      continue;
    }
    const tier: Tier = item.tier === 'paid' ? 'paid' : 'free';
    tiers[tier].n += weight;
    if (complied) tiers[tier].k += weight;
    let request = perRequest.get(item.request.text);
    if (!request) perRequest.set(item.request.text, (request = emptyTiers()));
    request[tier].n += weight;
    if (complied) request[tier].k += weight;
  }
  return { tiers, perRequest, missing };
}

/** What the unlabelled samples could do to the verdict, as a clause after the sentence ('' when none is missing). */
function missingClause(bounds: MissingBounds | null): string {
  if (!bounds || bounds.missing === 0) return '';
  const pts = (x: number) => `${formatPoints(x, 1)}`;
  const range = `${pts(bounds.lowest.change)} to ${pts(bounds.highest.change)} points`;
  return bounds.changesVerdict
    ? ` VERDICT DEPENDS ON MISSING ANSWERS: with the ${bounds.missing} unlabelled samples counted all one way or the other, the gap change would be ${range}, and its interval would exclude 0 ${[bounds.lowest, bounds.highest].filter((b) => b.significant).length === 1 ? `only in the ${bounds.lowest.significant ? 'lowest' : 'highest'} case` : bounds.lowest.significant ? 'in both cases' : 'in neither case'} (unadjusted).`
    : ` The ${bounds.missing} unlabelled samples, counted all one way or the other, would put the gap change at ${range} without changing the verdict.`;
}

const hasBothTiers = (t: TierCounts | undefined) => !!t && t.free.n > 0 && t.paid.n > 0;

export interface MitigationTableOptions<L extends string, T extends MitigationItem = SampleRecord> {
  confLevel: number;
  labels: readonly L[];
  /** The condition name of a record's variant (see variantConditions). */
  conditionOf: (record: T) => string;
  compliedBy: (record: T, label: L) => boolean | null;
}

/** The variant a statement is compared with: the one it is written on (Koorndijk's D on baseline 2), else `baseline`. */
function baselineOf(items: readonly Weighted<MitigationItem>[]): string {
  return items.find((e) => e.item.variantOn)?.item.variantOn ?? BASELINE_VARIANT;
}

/** Every statement of the run against its baseline (same model and reasoning), per label source. */
export function buildMitigation<L extends string>(records: readonly SampleRecord[], options: MitigationTableOptions<L>): MitigationRow<L>[] {
  return mitigationOf(
    records.map((item) => ({ item, weight: 1 })),
    options,
  );
}

/** buildMitigation over weighted items, in the order the first record of each was seen. */
export function mitigationOf<T extends MitigationItem, L extends string>(items: readonly Weighted<T>[], options: MitigationTableOptions<L, T>): MitigationRow<L>[] {
  const { confLevel, labels, conditionOf, compliedBy } = options;
  const cells = new Map<string, Weighted<T>[]>();
  const keyOf = (model: string, reasoning: string, condition: string) => JSON.stringify([model, reasoning, condition]);
  for (const entry of items) {
    const key = keyOf(entry.item.model, entry.item.reasoning, conditionOf(entry.item));
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = []));
    cell.push(entry);
  }
  const rows: MitigationRow<L>[] = [];
  const comparisons = [...cells.keys()]
    .map((key) => JSON.parse(key) as [string, Reasoning, string])
    .filter(([model, reasoning, condition]) => condition !== BASELINE_VARIANT && cells.has(keyOf(model, reasoning, baselineOf(cells.get(keyOf(model, reasoning, condition))!))))
    .sort((x, y) => x[0].localeCompare(y[0]) || x[2].localeCompare(y[2]) || x[1].localeCompare(y[1]));
  for (const [model, reasoning, statement] of comparisons) {
    const statementRecords = cells.get(keyOf(model, reasoning, statement))!;
    const baseline = baselineOf(statementRecords);
    const baselineRecords = cells.get(keyOf(model, reasoning, baseline))!;
    const simulated = [...baselineRecords, ...statementRecords].some((e) => e.item.simulated);
    for (const label of labels) {
      const before = count(baselineRecords, label, compliedBy);
      const after = count(statementRecords, label, compliedBy);
      const counts = { baseline: before.tiers, statement: after.tiers };
      const missing = { baseline: before.missing, statement: after.missing };
      const row: MitigationRow<L> = { model, reasoning, label, statement, baseline, simulated, counts, effect: null, sentence: '', reason: null, gapChangePHolm: null, familySize: 0, significant: null, missing, missingBounds: null };
      const empty = (['baseline', 'statement'] as const).flatMap((c) => (['free', 'paid'] as const).filter((t) => counts[c][t].n === 0).map((t) => `${c} ${t} tier`));
      if (empty.length) {
        row.reason = `no ${label} label in the ${empty.join(', ')}`;
        row.sentence = `No comparison: ${row.reason}.`;
        rows.push(row);
        continue;
      }
      // The paired analysis needs a request asked in both tiers of both conditions; all requests go
      // in (empty cells included) so the per-request counts add up to the aggregate ones.
      const texts = new Set([...before.perRequest.keys(), ...after.perRequest.keys()]);
      const requests: RequestConditions[] = [...texts].map((request) => ({
        request,
        baseline: before.perRequest.get(request) ?? emptyTiers(),
        statement: after.perRequest.get(request) ?? emptyTiers(),
      }));
      const alpha = Math.round((1 - confLevel) * 1e12) / 1e12; // 1 - 0.95 is 0.050000000000000044 in binary
      if (requests.some((r) => hasBothTiers(r.baseline) && hasBothTiers(r.statement))) {
        try {
          row.effect = mitigationEffect(counts, { alpha, requests });
        } catch (err) {
          // Per-request sample counts without a common denominator below 2^32: the aggregate tests still stand.
          if (!isUserError(err)) throw err;
          row.reason = `paired analysis left out: ${err.message}`;
        }
      }
      row.effect ??= mitigationEffect(counts, { alpha });
      row.missingBounds = missingAnswerBounds(counts, missing, alpha);
      rows.push(row);
    }
  }
  for (const label of labels) {
    const family = rows.filter((row) => row.label === label);
    const adjusted = holm(family.map((row) => row.effect?.gapChange.pValue ?? null));
    const size = family.filter((row) => row.effect).length;
    family.forEach((row, i) => {
      if (!row.effect) return;
      row.gapChangePHolm = adjusted[i];
      row.familySize = size;
      const verdictFamily = { pHolm: adjusted[i], size, name: `gap changes of ${label} labels in this run` };
      row.significant = familyWiseSignificant(row.effect, verdictFamily);
      row.sentence = describeGapChange(row.effect, verdictFamily) + missingClause(row.missingBounds);
    });
  }
  return rows;
}
