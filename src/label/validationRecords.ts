// What the AF validation plots (Hughes et al.'s ROC and AUROC by votes) read of a run, kept as its
// records pass: a slim view (key, tier, AF votes, truth) of each record the reference labels, the
// human-labelled ones; without human labels, the records with simulator truth and AF votes, of which
// at most TRUTH_SAMPLE are kept, a seeded uniform sample beyond that (a million simulated transcripts
// would otherwise all be held). The sample is said wherever its AUROC is printed.
import { Reservoir, seededRandom } from '../core/random.js';
import type { SampleRecord } from '../core/types.js';
import type { HumanLabel } from './humanLabels.js';

/** At most this many transcripts with simulator truth go into the AF validation plots. */
export const TRUTH_SAMPLE = 20_000;

function validationView(record: SampleRecord): SampleRecord {
  const af = record.labels.af;
  return { key: record.key, tier: record.tier, simulated: record.simulated, ...(record.truth ? { truth: record.truth } : {}), labels: af ? { af: { judge: af.judge, votes: af.votes } } : {} } as unknown as SampleRecord;
}

export class ValidationRecords {
  readonly #humanKeys: Set<string>;
  readonly #labelled: SampleRecord[] = [];
  readonly #withTruth: Reservoir<SampleRecord>;
  /** Records with simulator truth (with or without AF votes). */
  truths = 0;

  constructor(human: readonly HumanLabel[], { seed = 0, truthSample = TRUTH_SAMPLE }: { seed?: number; truthSample?: number } = {}) {
    this.#humanKeys = new Set(human.map((label) => label.key));
    this.#withTruth = new Reservoir(truthSample, seededRandom('labels compare: simulator truth', seed));
  }

  add(record: SampleRecord): void {
    if (record.truth) this.truths++;
    if (this.#humanKeys.size > 0) {
      if (this.#humanKeys.has(record.key)) this.#labelled.push(validationView(record));
    } else if (record.truth && record.labels.af) this.#withTruth.offer(validationView(record));
  }

  /** The records the plots read, in run order. */
  records(): SampleRecord[] {
    return this.#humanKeys.size > 0 ? this.#labelled : this.#withTruth.items();
  }

  /** Words to print after "on N transcripts" when the plots read a sample of the simulated ones, else ''. */
  sampleNote(): string {
    const offered = this.#withTruth.offered;
    if (this.#humanKeys.size > 0 || offered <= this.#withTruth.size) return '';
    return ` (a seeded sample of the ${offered.toLocaleString('en-US')} with simulator truth and AF votes; --seed draws another)`;
  }
}
