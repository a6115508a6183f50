// How far to trust each classifier: its agreement with a reference, which is either a person's labels
// (the labelling workflow) or, for simulated runs, the simulator's ground truth. This file is the one
// place in af-lab where a record's `truth` is read, and only to grade classifiers, never to label.
import type { SampleRecord } from '../core/types.js';
import { auroc, binaryAgreement, type BinaryAgreement, type MaybeBool } from '../stats/agreement.js';

export interface ReferenceLabel {
  complied?: boolean | null;
  af?: boolean | null;
  partial?: boolean | null;
}

export interface Reference {
  /** What the reference is, for table headers: `simulator truth` or `human labels (<file>)`. */
  source: string;
  labels: Map<string, ReferenceLabel>;
}

/**
 * The simulator's ground truth as a reference. ACCURACY CODE ONLY: the truth grades classifiers here
 * and must never be used to produce a label.
 */
export function referenceFromSimulatorTruth(records: SampleRecord[]): Reference {
  const labels = new Map<string, ReferenceLabel>();
  for (const record of records) if (record.truth) labels.set(record.key, truthLabel(record.truth));
  return { source: 'simulator truth', labels };
}

/** The simulator's truth about a sample as a reference label. */
export function truthLabel(truth: NonNullable<SampleRecord['truth']>): ReferenceLabel {
  return { complied: truth.complied, af: truth.afReasoning, partial: truth.partial };
}

export type Target = 'complied' | 'af' | 'partial';

/** A classifier's binary answer on a record, read from its labels (undefined: not labelled). */
export interface ClassifierView {
  name: string;
  target: Target;
  predict(record: SampleRecord): MaybeBool;
  /** A continuous score, for AUROC (the AF vote share). */
  score?(record: SampleRecord): number | null | undefined;
}

export const CLASSIFIERS: ClassifierView[] = [
  { name: 'proxy', target: 'complied', predict: (r) => r.labels.proxy?.complied },
  { name: 'heuristic', target: 'complied', predict: (r) => r.labels.heuristic?.complied },
  { name: 'judge', target: 'complied', predict: (r) => r.labels.compliance?.complied },
  { name: 'af vote = af', target: 'af', predict: (r) => (r.labels.af?.label == null ? undefined : r.labels.af.label === 'af'), score: (r) => r.labels.af?.score },
  { name: 'af vote = af or maybe', target: 'af', predict: (r) => (r.labels.af?.label == null ? undefined : r.labels.af.label !== 'no') },
  { name: 'partial judge', target: 'partial', predict: (r) => r.labels.partial?.partial },
];

export interface AccuracyRow extends BinaryAgreement {
  target: Target;
  classifier: string;
  reference: string;
  auroc?: number | null;
}

/** Every classifier against the reference, on the records the reference labels. */
export function accuracyReport(records: SampleRecord[], reference: Reference, classifiers: ClassifierView[] = CLASSIFIERS): AccuracyRow[] {
  const referenced = records.filter((r) => reference.labels.has(r.key));
  return classifiers.map((c) => {
    const truth = referenced.map((r) => reference.labels.get(r.key)?.[c.target]);
    const row: AccuracyRow = { target: c.target, classifier: c.name, reference: reference.source, ...binaryAgreement(referenced.map(c.predict), truth) };
    if (c.score) row.auroc = auroc(referenced.map((r) => c.score!(r)), truth).auroc;
    return row;
  });
}

/** The compliance classifiers against each other, pair by pair: where proxy, heuristic and judge disagree. */
export function classifierAgreement(records: SampleRecord[], classifiers: ClassifierView[] = CLASSIFIERS.filter((c) => c.target === 'complied')): AccuracyRow[] {
  const rows: AccuracyRow[] = [];
  classifiers.forEach((a, i) => {
    for (const b of classifiers.slice(i + 1)) {
      if (a.target !== b.target) continue;
      rows.push({ target: a.target, classifier: a.name, reference: b.name, ...binaryAgreement(records.map(a.predict), records.map(b.predict)) });
    }
  });
  return rows;
}

/** Keys of records where two classifiers both answer and disagree: the transcripts worth reading first. */
export function disagreements(records: SampleRecord[], a: ClassifierView, b: ClassifierView): string[] {
  return records.filter((r) => {
    const x = a.predict(r);
    const y = b.predict(r);
    return x != null && y != null && x !== y;
  }).map((r) => r.key);
}

const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toFixed(3));

export function formatAccuracyTable(rows: AccuracyRow[]): string {
  const header = '| target | classifier | vs | n | tp | fp | fn | tn | precision | recall | kappa | AUROC | excluded |';
  const rule = '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const body = rows.map((r) =>
    `| ${r.target} | ${r.classifier} | ${r.reference} | ${r.n} | ${r.tp} | ${r.fp} | ${r.fn} | ${r.tn} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.kappa)} | ${r.auroc === undefined ? '' : fmt(r.auroc)} | ${r.excluded} |`,
  );
  return [header, rule, ...body].join('\n');
}
