// Validating the AF classifier against a reference the way Hughes et al. (2025) do: the ROC curve of
// the vote share, and AUROC against the number of votes (1..N), each k drawn from the votes already
// stored, so the plot costs no call. Intervals are percentile bootstraps over the labelled records
// (seeded), so they show how much the AUROC would move with another sample of transcripts.
import type { SampleRecord } from '../core/types.js';
import { seededRandom, type Random } from '../core/random.js';
import { auroc, type MaybeBool } from './agreement.js';
import type { Reference } from './accuracy.js';

export interface RocPoint {
  /** Score threshold: a record counts as positive when its vote share is at least this. */
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface RocCurve {
  points: RocPoint[];
  auroc: number | null;
  positives: number;
  negatives: number;
}

/** The empirical ROC curve of `scores` against `reference` (one point per distinct score), from (0,0) to (1,1). */
export function rocCurve(scores: Array<number | null | undefined>, reference: MaybeBool[]): RocCurve {
  const pairs = scores.flatMap((score, i) => (score === null || score === undefined || Number.isNaN(score) || reference[i] == null ? [] : [{ score, positive: reference[i] as boolean }]));
  const positives = pairs.filter((p) => p.positive).length;
  const negatives = pairs.length - positives;
  const area = auroc(pairs.map((p) => p.score), pairs.map((p) => p.positive)).auroc;
  if (positives === 0 || negatives === 0) return { points: [], auroc: null, positives, negatives };
  const thresholds = [...new Set(pairs.map((p) => p.score))].sort((a, b) => b - a);
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  for (const threshold of thresholds) {
    const above = pairs.filter((p) => p.score >= threshold);
    points.push({ threshold, tpr: above.filter((p) => p.positive).length / positives, fpr: above.filter((p) => !p.positive).length / negatives });
  }
  return { points, auroc: area, positives, negatives };
}

/** One record's stored AF votes and its reference label. */
export interface VotedRecord {
  key: string;
  /** The parseable votes (unparseable ones never count either way). */
  votes: boolean[];
  reference: boolean;
}

/** The labelled records that have AF votes: what both validation plots are drawn from. */
export function votedRecords(records: SampleRecord[], reference: Reference): VotedRecord[] {
  return records.flatMap((record) => {
    const label = reference.labels.get(record.key)?.af;
    const votes = record.labels.af?.votes.filter((v): v is boolean => v !== null) ?? [];
    return label === null || label === undefined || votes.length === 0 ? [] : [{ key: record.key, votes, reference: label }];
  });
}

export interface VoteCountPoint {
  votes: number;
  /** AUROC of the share of k votes drawn from the stored ones (mean over the resamples). */
  auroc: number | null;
  /** Percentile bootstrap interval over records (and the k-vote draws). */
  ci: [number, number] | null;
}

export interface AurocByVotesOptions {
  /** Largest k (default: the fewest votes any record has). */
  maxVotes?: number;
  /** Bootstrap resamples per k (default 200). */
  resamples?: number;
  seed?: number;
  confLevel?: number;
}

/** k of the votes, drawn without replacement. */
function drawVotes(votes: boolean[], k: number, random: Random): boolean[] {
  const pool = [...votes];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

function percentile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * AUROC as a function of the number of votes k = 1..N: for each resample, the records are drawn with
 * replacement and each record's score is the share of yes among k of its stored votes drawn without
 * replacement. Seeded: the same votes and seed give the same curve.
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
    const values: number[] = [];
    for (let b = 0; b < resamples; b++) {
      const sample = records.map(() => records[Math.floor(random() * records.length)]);
      const scores = sample.map((r) => drawVotes(r.votes, k, random).filter(Boolean).length / k);
      const value = auroc(scores, sample.map((r) => r.reference)).auroc;
      if (value !== null) values.push(value);
    }
    values.sort((a, b) => a - b);
    points.push({
      votes: k,
      auroc: values.length ? values.reduce((s, v) => s + v, 0) / values.length : null,
      ci: values.length ? [percentile(values, alpha / 2), percentile(values, 1 - alpha / 2)] : null,
    });
  }
  return points;
}

export interface AfValidation {
  /** What the AF votes are compared with: `human labels`, or `simulator truth` (SIMULATED). */
  source: string;
  records: number;
  roc: RocCurve;
  byVotes: VoteCountPoint[];
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
    resamples: options.resamples ?? 200,
    confLevel: options.confLevel ?? 0.95,
    judge: judges.length === 1 ? judges[0] : judges.length ? judges.join(', ') : null,
  };
}
