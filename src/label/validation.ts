// Validating the AF classifier against a reference the way Hughes et al. (2025) do: the ROC curve of
// the vote share, and AUROC against the number of votes (1..N), from the votes already stored, so the
// plot costs no call. The AUROC at k votes is the exact expectation over every k-subset of each record's
// votes (a finite average, computed from hypergeometric probabilities, not drawn); its interval is a
// percentile bootstrap over the labelled records (seeded), so it shows how much the AUROC would move
// with another sample of transcripts. An interval that collapses to a point says so.
import type { SampleRecord } from '../core/types.js';
import { seededRandom } from '../core/random.js';
import { auroc, rocCurve, type MaybeBool, type RocCurve } from '../stats/agreement.js';

export type { RocCurve, RocPoint } from '../stats/agreement.js';
import type { Reference } from './accuracy.js';

/** One record's stored AF votes and its reference label. */
export interface VotedRecord {
  key: string;
  /** The parseable votes (unparseable ones never count either way). */
  votes: boolean[];
  reference: boolean;
  /** The record's tier, for the per-tier AUROC. */
  tier?: string;
}

/** The labelled records that have AF votes: what both validation plots are drawn from. */
export function votedRecords(records: SampleRecord[], reference: Reference): VotedRecord[] {
  return records.flatMap((record) => {
    const label = reference.labels.get(record.key)?.af;
    const votes = record.labels.af?.votes.filter((v): v is boolean => v !== null) ?? [];
    return label === null || label === undefined || votes.length === 0 ? [] : [{ key: record.key, votes, reference: label, tier: record.tier }];
  });
}

export interface VoteCountPoint {
  votes: number;
  /** AUROC of the share of yes among k of the stored votes, its exact expectation over every k-subset of each record's votes. */
  auroc: number | null;
  /** Percentile bootstrap interval over records (each resample's value is again the exact expectation). */
  ci: [number, number] | null;
  /** true when the interval is a single point (every resample gave the same AUROC, e.g. a perfect classifier). */
  collapsed: boolean;
}

export interface AurocByVotesOptions {
  /** Largest k (default: the fewest votes any record has). */
  maxVotes?: number;
  /** Bootstrap resamples per k (default 200). */
  resamples?: number;
  seed?: number;
  confLevel?: number;
}

function percentile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** P(j yes among k votes drawn without replacement from `total` votes of which `yes` are yes), j = 0..k. */
function hypergeometric(yes: number, total: number, k: number): number[] {
  const choose = (n: number, r: number) => {
    if (r < 0 || r > n) return 0;
    let out = 1;
    for (let i = 1; i <= r; i++) out = (out * (n - r + i)) / i;
    return out;
  };
  const all = choose(total, k);
  return Array.from({ length: k + 1 }, (_, j) => (choose(yes, j) * choose(total - yes, k - j)) / all);
}

/** Records that share (yes votes, votes, reference) have the same score distribution: one group each. */
interface VoteGroup {
  reference: boolean;
  pmf: number[];
}

function voteGroups(records: readonly VotedRecord[], k: number): { groups: VoteGroup[]; groupOf: number[] } {
  const index = new Map<string, number>();
  const groups: VoteGroup[] = [];
  const groupOf = records.map((r) => {
    const yes = r.votes.filter(Boolean).length;
    const key = `${yes}/${r.votes.length}/${r.reference}`;
    let g = index.get(key);
    if (g === undefined) {
      index.set(key, (g = groups.length));
      groups.push({ reference: r.reference, pmf: hypergeometric(yes, r.votes.length, k) });
    }
    return g;
  });
  return { groups, groupOf };
}

/**
 * The AUROC's exact expectation when each record's score is the share of yes among k of its votes, the
 * k drawn uniformly without replacement and independently per record: the AUROC is an average over
 * positive-negative pairs of [score_p > score_n] + 1/2 [score_p = score_n], so its expectation is the
 * average of P(S_p > S_n) + 1/2 P(S_p = S_n). `weights` counts each group (a bootstrap resample).
 */
function expectedAuroc(groups: readonly VoteGroup[], weights: readonly number[]): number | null {
  let positives = 0;
  let negatives = 0;
  groups.forEach((g, i) => (g.reference ? (positives += weights[i]) : (negatives += weights[i])));
  if (positives === 0 || negatives === 0) return null;
  let sum = 0;
  groups.forEach((p, i) => {
    if (!p.reference || weights[i] === 0) return;
    groups.forEach((q, j) => {
      if (q.reference || weights[j] === 0) return;
      let below = 0; // P(S_q < current score of p)
      let win = 0;
      for (let s = 0; s < p.pmf.length; s++) {
        win += p.pmf[s] * (below + 0.5 * q.pmf[s]);
        below += q.pmf[s];
      }
      sum += weights[i] * weights[j] * win;
    });
  });
  return sum / (positives * negatives);
}

/**
 * AUROC as a function of the number of votes k = 1..N: the exact expectation over k-subsets of each
 * record's stored votes, and a percentile bootstrap interval over records (seeded: the same votes and
 * seed give the same curve).
 */
export function aurocByVotes(records: VotedRecord[], options: AurocByVotesOptions = {}): VoteCountPoint[] {
  if (records.length === 0) return [];
  const available = Math.min(...records.map((r) => r.votes.length));
  const maxVotes = Math.min(options.maxVotes ?? available, available);
  const resamples = options.resamples ?? 200;
  const alpha = 1 - (options.confLevel ?? 0.95);
  const points: VoteCountPoint[] = [];
  for (let k = 1; k <= maxVotes; k++) {
    const random = seededRandom('auroc-by-votes', options.seed ?? 0, k);
    const { groups, groupOf } = voteGroups(records, k);
    const auroc = expectedAuroc(groups, groups.map((_, g) => groupOf.filter((x) => x === g).length));
    const values: number[] = [];
    for (let b = 0; b < resamples; b++) {
      const weights = groups.map(() => 0);
      for (let i = 0; i < records.length; i++) weights[groupOf[Math.floor(random() * records.length)]]++;
      const value = expectedAuroc(groups, weights);
      if (value !== null) values.push(value);
    }
    values.sort((a, b) => a - b);
    const ci: [number, number] | null = values.length ? [percentile(values, alpha / 2), percentile(values, 1 - alpha / 2)] : null;
    points.push({ votes: k, auroc, ci, collapsed: ci !== null && ci[0] === ci[1] });
  }
  return points;
}

export interface AfValidation {
  /** What the AF votes are compared with: `human labels`, or `simulator truth` (SIMULATED). */
  source: string;
  records: number;
  roc: RocCurve;
  byVotes: VoteCountPoint[];
  /** The same per tier (pooled above), for the tiers whose records have both reference classes. */
  byVotesPerTier: Record<string, VoteCountPoint[]>;
  /** How the intervals were made. */
  resamples: number;
  confLevel: number;
  /** The judge whose votes these are. */
  judge: string | null;
}

/** Both validation plots' data for the AF classifier of these records against a reference. */
export function afValidation(records: SampleRecord[], reference: Reference, options: AurocByVotesOptions = {}): AfValidation {
  const voted = votedRecords(records, reference);
  const roc = rocCurve(voted.map((r) => r.votes.filter(Boolean).length / r.votes.length), voted.map((r) => r.reference));
  const judges = [...new Set(records.flatMap((r) => (r.labels.af && reference.labels.has(r.key) ? [r.labels.af.judge] : [])))];
  return {
    source: reference.source,
    records: voted.length,
    roc,
    byVotes: aurocByVotes(voted, options),
    byVotesPerTier: Object.fromEntries(
      [...new Set(voted.map((r) => r.tier ?? 'free'))].flatMap((tier) => {
        const inTier = voted.filter((r) => (r.tier ?? 'free') === tier);
        return inTier.some((r) => r.reference) && inTier.some((r) => !r.reference) ? [[tier, aurocByVotes(inTier, options)]] : [];
      }),
    ),
    resamples: options.resamples ?? 200,
    confLevel: options.confLevel ?? 0.95,
    judge: judges.length === 1 ? judges[0] : judges.length ? judges.join(', ') : null,
  };
}
