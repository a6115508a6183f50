// Agreement between a binary classifier and a reference: the confusion matrix and what follows from
// it (precision, recall, specificity, accuracy, F1, Cohen's kappa), and AUROC for a score such as the
// AF vote share. Pairs where either side has no label (null/undefined) are counted as excluded.

export interface Confusion {
  /** predicted yes, reference yes */
  tp: number;
  /** predicted yes, reference no */
  fp: number;
  /** predicted no, reference yes */
  fn: number;
  /** predicted no, reference no */
  tn: number;
  /** Pairs compared (tp + fp + fn + tn). */
  n: number;
  /** Pairs left out because one side had no label. */
  excluded: number;
}

export type MaybeBool = boolean | null | undefined;

/** An empty confusion matrix. */
export function emptyConfusion(): Confusion {
  return { tp: 0, fp: 0, fn: 0, tn: 0, n: 0, excluded: 0 };
}

/** One prediction and its reference counted into `c`; a pair missing either is excluded. */
export function countPair(c: Confusion, p: MaybeBool, r: MaybeBool): void {
  if (p === null || p === undefined || r === null || r === undefined) {
    c.excluded++;
    return;
  }
  if (p && r) c.tp++;
  else if (p && !r) c.fp++;
  else if (!p && r) c.fn++;
  else c.tn++;
  c.n++;
}

export function confusionMatrix(predicted: MaybeBool[], reference: MaybeBool[]): Confusion {
  if (predicted.length !== reference.length) throw new Error(`confusionMatrix: ${predicted.length} predictions for ${reference.length} reference labels`);
  const c = emptyConfusion();
  predicted.forEach((p, i) => countPair(c, p, reference[i]));
  return c;
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

export const precision = (c: Confusion): number | null => ratio(c.tp, c.tp + c.fp);
export const recall = (c: Confusion): number | null => ratio(c.tp, c.tp + c.fn);
export const specificity = (c: Confusion): number | null => ratio(c.tn, c.tn + c.fp);
export const accuracy = (c: Confusion): number | null => ratio(c.tp + c.tn, c.n);

export function f1(c: Confusion): number | null {
  return ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
}

/**
 * Cohen's kappa: (observed agreement − chance agreement) / (1 − chance agreement), chance agreement
 * from each side's own yes rate. null when undefined (no pairs, or both sides constant and equal).
 */
export function cohensKappa(c: Confusion): number | null {
  if (c.n === 0) return null;
  const observed = (c.tp + c.tn) / c.n;
  const predictedYes = (c.tp + c.fp) / c.n;
  const referenceYes = (c.tp + c.fn) / c.n;
  const chance = predictedYes * referenceYes + (1 - predictedYes) * (1 - referenceYes);
  if (chance === 1) return null;
  return (observed - chance) / (1 - chance);
}

export interface BinaryAgreement extends Confusion {
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  accuracy: number | null;
  f1: number | null;
  kappa: number | null;
}

export function binaryAgreement(predicted: MaybeBool[], reference: MaybeBool[]): BinaryAgreement {
  const c = confusionMatrix(predicted, reference);
  return { ...c, precision: precision(c), recall: recall(c), specificity: specificity(c), accuracy: accuracy(c), f1: f1(c), kappa: cohensKappa(c) };
}

export interface Auroc {
  /** P(score of a random positive > score of a random negative), ties counting one half. null without both classes. */
  auroc: number | null;
  positives: number;
  negatives: number;
  excluded: number;
}

/** AUROC by the rank-sum (Mann–Whitney) formula, with average ranks for tied scores. */
export function auroc(scores: Array<number | null | undefined>, reference: MaybeBool[]): Auroc {
  if (scores.length !== reference.length) throw new Error(`auroc: ${scores.length} scores for ${reference.length} reference labels`);
  const bins: ScoreBins = new Map();
  let excluded = 0;
  scores.forEach((score, i) => {
    const r = reference[i];
    if (score === null || score === undefined || Number.isNaN(score) || r === null || r === undefined) excluded++;
    else addToBins(bins, score, r);
  });
  return { ...aurocOfBins(bins), excluded };
}

/** Per score value, how many positives and negatives have it: what AUROC needs of the pairs. */
export type ScoreBins = Map<number, { positives: number; negatives: number }>;

export function addToBins(bins: ScoreBins, score: number, positive: boolean): void {
  let bin = bins.get(score);
  if (!bin) bins.set(score, (bin = { positives: 0, negatives: 0 }));
  if (positive) bin.positives++;
  else bin.negatives++;
}

/**
 * AUROC from score bins: the Mann-Whitney rank sum of the positives, tied scores given their average
 * rank, scaled to [0, 1]; null without both positives and negatives. (Ranks are multiples of 1/2, so
 * the sums are exact whatever the order the pairs came in.)
 */
export function aurocOfBins(bins: ScoreBins): { auroc: number | null; positives: number; negatives: number } {
  let positives = 0;
  let negatives = 0;
  for (const bin of bins.values()) {
    positives += bin.positives;
    negatives += bin.negatives;
  }
  if (positives === 0 || negatives === 0) return { auroc: null, positives, negatives };
  let below = 0;
  let rankSumPositives = 0;
  for (const score of [...bins.keys()].sort((a, b) => a - b)) {
    const bin = bins.get(score)!;
    const size = bin.positives + bin.negatives;
    rankSumPositives += ((below + 1 + below + size) / 2) * bin.positives; // ranks below+1 .. below+size
    below += size;
  }
  const u = rankSumPositives - (positives * (positives + 1)) / 2;
  return { auroc: u / (positives * negatives), positives, negatives };
}

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
