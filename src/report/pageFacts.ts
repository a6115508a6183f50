// What the page itself (title, banners, compliance source) reads of the records: a few counts and
// lists, gathered one record at a time so a paged report never needs the records at hand.
import type { SampleRecord } from '../core/types.js';
import { compliedBy, labelSimulated, primarySource, SIMULATED_LABEL_KINDS, type SimulatedLabelKind } from '../summary/build.js';
import type { ComplianceSource } from '../plots/inputs.js';

export interface ReportFacts {
  /** Run names, in the order they first appear. */
  runs: string[];
  transcripts: number;
  /** How many transcripts come from the simulator. */
  simulated: number;
  /** The LLM labels of real transcripts that came from a simulated judge (as summary's simulatedLabelKinds). */
  simulatedLabels: SimulatedLabelKind[];
  /** Which compliance label the page shows (as plots' complianceSourceOf). */
  complianceSource: ComplianceSource;
}

/** ReportFacts gathered record by record: memory is the number of distinct runs. */
export class ReportFactsAccumulator {
  private readonly runs = new Set<string>();
  private transcripts = 0;
  private simulated = 0;
  private readonly simulatedLabels = new Set<SimulatedLabelKind>();
  private judged = false;

  add(record: SampleRecord): void {
    this.runs.add(record.run);
    this.transcripts++;
    if (record.simulated) this.simulated++;
    else for (const kind of SIMULATED_LABEL_KINDS) if (labelSimulated(record, kind)) this.simulatedLabels.add(kind);
    if (!this.judged && compliedBy(record, 'compliance') !== null) this.judged = true;
  }

  facts(): ReportFacts {
    const simulatedLabels = SIMULATED_LABEL_KINDS.filter((kind) => this.simulatedLabels.has(kind));
    return {
      runs: [...this.runs],
      transcripts: this.transcripts,
      simulated: this.simulated,
      simulatedLabels,
      complianceSource: primarySource(simulatedLabels, this.judged),
    };
  }
}

export function reportFactsOf(records: readonly SampleRecord[]): ReportFacts {
  const facts = new ReportFactsAccumulator();
  for (const record of records) facts.add(record);
  return facts.facts();
}
