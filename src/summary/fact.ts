// What the run summary reads of one record, and nothing else: a record projected to a small "fact".
// Many records share a fact (same condition, tier, request, status and labels), so the streamed summary
// (SummaryAccumulator, build.ts) keeps one count per distinct fact instead of the records themselves.
// A field the summary or the mitigation table reads must be here AND in factKey, or two different
// records would be counted as one.
import type { AfVerdict, SampleRecord } from '../core/types.js';
import { booleanScorers, compliedBy, labelSimulated, type LabelSource, type SimulatedLabelKind } from './labelSource.js';

export interface SummaryFact extends Pick<SampleRecord, 'simulated' | 'model' | 'variant' | 'variantHash' | 'variantOn' | 'reasoning' | 'tier' | 'status'> {
  /** Only the text: the mitigation table pairs samples by request text. */
  request: { text: string };
  /** The setting stamp's context (`free`, `pro`, `enterprise`); absent without a stamp. */
  context?: string;
  /** compliedBy(record, source) for every built-in source, and for each user scorer with a yes/no value on the record. */
  complied: Record<LabelSource, boolean | null>;
  /** labelSimulated(record, kind) for every LLM label kind. */
  simulatedBy: Record<SimulatedLabelKind, boolean>;
  /** labels.af.label, null when absent or without a verdict (neither is counted). */
  afVerdict: AfVerdict | null;
  /** Which reasoning the AF classifier read, when there is a verdict: judgements from before it was kept read scratchpads. */
  afRead?: string;
}

export function factOf(record: SampleRecord): SummaryFact {
  const af = record.labels?.af;
  const afVerdict = af?.label ?? null;
  return {
    simulated: record.simulated,
    model: record.model,
    variant: record.variant,
    ...(record.variantHash === undefined ? {} : { variantHash: record.variantHash }),
    ...(record.variantOn === undefined ? {} : { variantOn: record.variantOn }),
    reasoning: record.reasoning,
    tier: record.tier,
    status: record.status,
    request: { text: record.request.text },
    ...(record.setting ? { context: record.setting.context } : {}),
    complied: {
      proxy: compliedBy(record, 'proxy'), heuristic: compliedBy(record, 'heuristic'), compliance: compliedBy(record, 'compliance'), setting: compliedBy(record, 'setting'),
      ...Object.fromEntries(booleanScorers(record).map((name) => [name, compliedBy(record, name)])),
    },
    simulatedBy: { compliance: labelSimulated(record, 'compliance'), af: labelSimulated(record, 'af'), partial: labelSimulated(record, 'partial') },
    afVerdict,
    ...(afVerdict === null ? {} : { afRead: af!.read ?? 'scratchpad' }),
  };
}

// Length-prefixed, so no text (a request, a model name) can run into the next field.
const text = (value: string | undefined): string => (value === undefined ? '~' : `${value.length}:${value}`);
const flag = (value: boolean | null): string => (value === null ? 'n' : value ? 't' : 'f');

/** Equal for two facts exactly when every field is equal; cheap (no JSON of the record). */
export function factKey(f: SummaryFact): string {
  return (
    flag(f.simulated) +
    text(f.model) +
    text(f.variant) +
    text(f.variantHash) +
    text(f.variantOn) +
    text(f.reasoning) +
    text(f.tier) +
    text(f.status) +
    text(f.context) +
    flag(f.complied.proxy) +
    flag(f.complied.heuristic) +
    flag(f.complied.compliance) +
    flag(f.complied.setting) +
    flag(f.simulatedBy.compliance) +
    flag(f.simulatedBy.af) +
    flag(f.simulatedBy.partial) +
    text(f.afVerdict ?? undefined) +
    text(f.afRead) +
    scorerFlags(f.complied) +
    text(f.request.text)
  );
}

const BUILTIN_KEYS = new Set(['proxy', 'heuristic', 'compliance', 'setting']);

/** The user scorers' yes/no values of a fact, by name in order (empty for a run without them). */
function scorerFlags(complied: SummaryFact['complied']): string {
  let out = '';
  for (const name of Object.keys(complied).filter((key) => !BUILTIN_KEYS.has(key)).sort()) out += text(name) + flag(complied[name]);
  return out;
}

/** One key per condition as the records name it (model, variant name, reasoning). */
export function conditionKey(model: string, variant: string, reasoning: string): string {
  return text(model) + text(variant) + text(reasoning);
}
