// The numbers each figure draws, as small typed tables. `figureInputs(records)` (figureInputs.ts) or
// a FigureAccumulator fed one record at a time computes them through src/stats and src/summary; the
// figure builders only draw.
import type { AfVerdict, Reasoning, Tier } from '../core/types.js';
import type { MitigationRow } from '../summary/mitigation.js';
import type { AblationEffect } from '../summary/ablation.js';

/** Which label decided "complied" in the figures: the LLM judge when the run was judged, else the prefix proxy. */
export type ComplianceSource = 'compliance' | 'proxy';

/** One bar of the paper-style figure: how the classified samples of one condition and tier split. */
export interface OutcomeCounts {
  model: string;
  variant: string;
  reasoning: Reasoning;
  tier: Tier;
  /** The setting's name for the context, when a condition has several monitored ones (three tiers). */
  context?: string;
  /** Samples with a compliance label (the denominator of every share). */
  total: number;
  refuses: number;
  /** Complied fully, without alignment-faking reasoning. */
  complies: number;
  /** Complied, and the AF classifier found alignment-faking reasoning in the scratchpad. */
  compliesAf: number;
  /** Complied only partially (partial-compliance classifier). */
  partial: number;
  /** Samples without a compliance label (errors, truncations, failed protocol, unparsable judge). */
  unlabelled: number;
}

export interface CountPair {
  complied: number;
  total: number;
}

/** One row of the forest plot: the compliance gap (free minus paid share) of one condition. */
export interface GapRow {
  model: string;
  variant: string;
  reasoning: Reasoning;
  /** The contexts compared (`pro vs enterprise`) when a condition has several monitored ones. */
  context?: string;
  free: CountPair;
  paid: CountPair;
  /** free share - paid share, as a fraction (-1..1). */
  gap: number;
  /** 95% interval of the gap, as fractions. */
  ci: [number, number];
  /** Fisher's exact test, two-sided. */
  p: number | null;
  /** p adjusted (Holm) across the run's comparisons, as in the summary table. */
  pHolm?: number | null;
  oddsRatio?: number | null;
}

export type AgreementCategory = 'complied' | 'refused' | 'no label';
export const AGREEMENT_CATEGORIES: readonly AgreementCategory[] = ['complied', 'refused', 'no label'];

/** Cross-tabulation of two classifiers on the same samples (rows: `rowClassifier`). */
export interface AgreementTable {
  model: string;
  rowClassifier: string;
  colClassifier: string;
  /** counts[row][col], indexed by AGREEMENT_CATEGORIES. */
  counts: number[][];
  /** Share of samples both labelled on which they agree; null when none. */
  agreement: number | null;
  /** Cohen's kappa on the samples both labelled; null when undefined. */
  kappa: number | null;
}

/** Scratchpads of one model, variant and tier with the same AF vote share, verdict and number of votes. */
export interface AfScorePoint {
  model: string;
  variant: string;
  tier: Tier;
  score: number;
  label: AfVerdict | null;
  votes: number;
  /** How many scratchpads share this point (points are merged, so a large run keeps one per distinct score). */
  count: number;
}

export interface PowerCurve {
  /** Legend label, e.g. "paid-tier rate 5%". */
  label: string;
  /** Paid-tier (unmonitored) compliance rate assumed. */
  baseline: number;
  points: Array<{ gap: number; power: number }>;
}

export interface PowerFigureInput {
  /** Samples per tier in one condition of this run. */
  nPerTier: number;
  /** How power was computed: exactly, or by the normal approximation (above 400 per tier). */
  method: 'exact' | 'normal';
  alpha: number;
  /** Power wanted (drawn as a line), usually 0.8. */
  target: number;
  curves: PowerCurve[];
  /** Per curve: the smallest gap reaching `target` power, or null when none within the grid. */
  detectableGap: Array<number | null>;
}

export interface FigureInputs {
  simulated: boolean;
  /** LLM label kinds a simulated judge put on real samples: figures drawing them are marked SIMULATED. */
  simulatedLabels?: Array<'compliance' | 'af' | 'partial'>;
  complianceSource: ComplianceSource;
  outcomes: OutcomeCounts[];
  gaps: GapRow[];
  agreement: AgreementTable[];
  afScores: AfScorePoint[];
  afThresholds: { af: number; maybe: number };
  power: PowerFigureInput;
  /** Every statement against its baseline, for the compliance source (the summary's mitigation rows). */
  mitigation: MitigationRow[];
  /** An ablation design's changes (the summary's ablation model, on the primary labels). */
  ablation?: AblationEffect[];
  /** A user's own scorers per condition and tier (the summary's rows of them); absent without them. */
  userScores?: UserScoreRow[];
}

/** One tier of a user scorer's row: a rate (yes/no values) or a mean (numbers), with its interval. */
export interface UserScoreCell {
  value: number | null;
  ci: [number, number] | null;
  n: number;
}

/** A user scorer in one condition: yes/no values as a rate (Wilson interval), numbers as a mean (t interval). */
export interface UserScoreRow {
  scorer: string;
  kind: 'rate' | 'mean';
  model: string;
  variant: string;
  reasoning: Reasoning;
  context?: string;
  /** The confidence level of the intervals (the summary's). */
  confLevel: number;
  free: UserScoreCell;
  paid: UserScoreCell;
}
