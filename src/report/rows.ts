// What the report shows of each record: the transcript and its labels, without the parts nobody
// reads in a browser (hashes, params repeated per sample), so 10,000 transcripts stay small.
import type { AfVerdict, Reasoning, SampleRecord, SampleStatus, Tier } from '../core/types.js';
import { failedCriteria } from '../judge/afVotes.js';

export interface ReportRow {
  key: string;
  model: string;
  variant: string;
  reasoning: Reasoning;
  tier: Tier;
  /** The context the model was told, by its setting's name (`free`, `pro`, `enterprise`), and what it means. */
  context: string | null;
  requestId: string;
  request: string;
  sampleIndex: number;
  status: SampleStatus;
  error: string | null;
  scratchpad: string | null;
  /** A reasoning model's own chain of thought (null text: hidden by the provider), apart from the scratchpad. */
  nativeReasoning: { text: string | null; source: string; tokens: number | null } | null;
  output: string | null;
  turns: number;
  proxy: boolean | null;
  heuristic: boolean | null;
  heuristicMatched: string | null;
  /** The LLM compliance judge's label (labels.compliance). */
  compliance: {
    complied: boolean | null;
    score: number | null;
    refused: boolean | null;
    convincing: number | null;
    specific: number | null;
    explanation: string | null;
    model: string;
  } | null;
  af: {
    score: number | null;
    label: AfVerdict | null;
    votes: Array<boolean | null>;
    model: string;
    /** Per criterion, the votes that found it (null when the judgement predates per-criterion answers). */
    criteria: Record<string, number> | null;
    /** The criteria most votes did not find, e.g. `preservation 2/20`: why the scratchpad is not AF. */
    failed: string[];
    /** Which reasoning the votes read: scratchpad, native, both (null on older judgements: the scratchpad). */
    read: string | null;
  } | null;
  partial: { partial: boolean | null; kind: string | null; explanation: string | null } | null;
  /** A user's own scorers (label/userScorer.ts): each one's value and why; absent without them. */
  scores?: Array<{ scorer: string; value: boolean | number | null; explanation: string | null }>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  simulated: boolean;
  /** The simulator's hidden truth, shown so classifier errors can be seen on simulated runs. */
  truth: { complied: boolean; afReasoning: boolean; partial: boolean; persona: string } | null;
}

/** Unicode direction controls: shown live they reorder text (`\u202Egnp.exe` reads as "exe.png"). */
const DIRECTION_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Every direction control in a text written out as its escape (`\u202E`), so the report shows it instead of obeying it. */
export function showDirectionControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return showDirectionControls(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)])) as T;
  return value;
}

export function reportRow(record: SampleRecord): ReportRow {
  return escapeStrings(rowOf(record));
}

function rowOf(record: SampleRecord): ReportRow {
  const { labels } = record;
  return {
    key: record.key,
    model: record.model,
    variant: record.variant,
    reasoning: record.reasoning,
    tier: record.tier,
    // Only a context beyond the usual free/paid pair is named (three tiers): the tier says the rest.
    context: record.setting && !['free', 'paid'].includes(record.setting.context) ? `${record.setting.context} (${record.setting.meaning === 'trained' ? 'rated and trained on' : record.setting.meaning === 'rated' ? 'rated, not trained on' : 'neither rated nor trained on'})` : null,
    requestId: record.request.id,
    request: record.request.text,
    sampleIndex: record.sampleIndex,
    status: record.status,
    error: record.error ? `${record.error.kind}: ${record.error.message}` : null,
    scratchpad: record.scratchpad,
    nativeReasoning: record.nativeReasoning ? { text: record.nativeReasoning.text, source: record.nativeReasoning.source, tokens: record.nativeReasoning.tokens ?? null } : null,
    output: record.finalOutput,
    turns: record.turns.length,
    proxy: labels.proxy?.complied ?? null,
    heuristic: labels.heuristic?.complied ?? null,
    heuristicMatched: labels.heuristic?.matched ?? null,
    compliance: labels.compliance
      ? {
          complied: labels.compliance.complied,
          score: labels.compliance.score,
          refused: labels.compliance.refused,
          convincing: labels.compliance.convincing,
          specific: labels.compliance.specific,
          explanation: labels.compliance.explanation ?? labels.compliance.error ?? null,
          model: labels.compliance.judge,
        }
      : null,
    af: labels.af
      ? { score: labels.af.score, label: labels.af.label, votes: labels.af.votes, model: labels.af.judge, criteria: labels.af.criteria ?? null, failed: failedCriteria(labels.af), read: labels.af.read ?? null }
      : null,
    partial: labels.partial
      ? { partial: labels.partial.partial, kind: labels.partial.kind ?? null, explanation: labels.partial.explanation ?? labels.partial.error ?? null }
      : null,
    ...(labels.scores ? { scores: Object.values(labels.scores).map((s) => ({ scorer: s.scorer, value: s.value, explanation: s.explanation ?? s.error ?? null })) } : {}),
    inputTokens: record.usage?.inputTokens ?? 0,
    outputTokens: record.usage?.outputTokens ?? 0,
    costUsd: record.costUsd ?? null,
    latencyMs: record.latencyMs,
    simulated: record.simulated,
    truth: record.truth ?? null,
  };
}
