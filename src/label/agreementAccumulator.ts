// The agreement tables of formatAgreement (report.ts) from records passing one at a time: the
// compliance classifiers pair by pair, and every classifier against a person's labels and against the
// simulator's truth. Only counts are kept (a confusion matrix per row, and per AF score value its
// positives and negatives for AUROC), so `rejudge` at a million records holds no view per record. The
// rows equal classifierAgreement's and accuracyReport's on the same records (test/agreement-accumulator.test.ts).
import type { SampleRecord } from '../core/types.js';
import { CLASSIFIERS, truthLabel, type AccuracyRow, type ClassifierView, type ReferenceLabel } from './accuracy.js';
import { accuracy, addToBins, aurocOfBins, cohensKappa, countPair, emptyConfusion, f1, precision, recall, specificity, type Confusion, type MaybeBool, type ScoreBins } from '../stats/agreement.js';

/** Per score value, its positives and negatives, and the pairs left out: auroc's input, tallied. */
class ScoreTally {
  readonly bins: ScoreBins = new Map();
  excluded = 0;
  add(score: number | null | undefined, r: MaybeBool): void {
    if (score === null || score === undefined || Number.isNaN(score) || r === null || r === undefined) this.excluded++;
    else addToBins(this.bins, score, r);
  }
  /** auroc's number over the tallied scores. */
  auroc(): number | null {
    return aurocOfBins(this.bins).auroc;
  }
}

class Rows {
  readonly confusions: Confusion[];
  readonly scores: Array<ScoreTally | undefined>;
  constructor(readonly classifiers: ClassifierView[]) {
    this.confusions = classifiers.map(() => emptyConfusion());
    this.scores = classifiers.map((c) => (c.score ? new ScoreTally() : undefined));
  }
  add(record: SampleRecord, reference: ReferenceLabel): void {
    this.classifiers.forEach((c, i) => {
      const truth = reference[c.target];
      countPair(this.confusions[i], c.predict(record), truth);
      this.scores[i]?.add(c.score!(record), truth);
    });
  }
  rows(source: string): AccuracyRow[] {
    return this.classifiers.map((c, i) => {
      const row: AccuracyRow = { target: c.target, classifier: c.name, reference: source, ...agreementOf(this.confusions[i]) };
      if (c.score) row.auroc = this.scores[i]!.auroc();
      return row;
    });
  }
}

const agreementOf = (c: Confusion) => ({ ...c, precision: precision(c), recall: recall(c), specificity: specificity(c), accuracy: accuracy(c), f1: f1(c), kappa: cohensKappa(c) });

export class AgreementAccumulator {
  readonly #pairs: Array<{ a: ClassifierView; b: ClassifierView; confusion: Confusion }> = [];
  readonly #human: Rows | undefined;
  readonly #truth = new Rows(CLASSIFIERS);
  #truthRecords = 0;

  /** `human`: a person's labels by record key (small: a labelled sample), when there are any. */
  constructor(private readonly human?: { source: string; labels: ReadonlyMap<string, ReferenceLabel> }) {
    const compliance = CLASSIFIERS.filter((c) => c.target === 'complied');
    compliance.forEach((a, i) => {
      for (const b of compliance.slice(i + 1)) if (a.target === b.target) this.#pairs.push({ a, b, confusion: emptyConfusion() });
    });
    this.#human = human?.labels.size ? new Rows(CLASSIFIERS) : undefined;
  }

  add(record: SampleRecord): void {
    for (const pair of this.#pairs) countPair(pair.confusion, pair.a.predict(record), pair.b.predict(record));
    const label = this.human?.labels.get(record.key);
    if (label) this.#human!.add(record, label);
    if (record.truth) {
      this.#truthRecords++;
      this.#truth.add(record, truthLabel(record.truth));
    }
  }

  /** classifierAgreement's rows. */
  classifierAgreement(): AccuracyRow[] {
    return this.#pairs.map(({ a, b, confusion }) => ({ target: a.target, classifier: a.name, reference: b.name, ...agreementOf(confusion) }));
  }

  /** accuracyReport's rows against the person's labels (undefined without any). */
  againstHuman(): AccuracyRow[] | undefined {
    return this.#human?.rows(this.human!.source);
  }

  /** accuracyReport's rows against the simulator's truth (undefined when no record carried one). */
  againstTruth(): AccuracyRow[] | undefined {
    return this.#truthRecords ? this.#truth.rows('simulator truth') : undefined;
  }
}
