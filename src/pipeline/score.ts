// `af-lab score`: transcripts made elsewhere (Redwood's notebook's saved outputs, another tool's run)
// scored under a setting's conventions and af-lab's beside them. Each transcript's turns are played
// back through the run's own protocol (run/protocol.ts) by a model that answers with them in order,
// and labelled by the run's own labelling (label/labelRecord.ts): one way to score, whether the turns come
// from a live model or from a file.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { appendRecord, RECORDS_FILE } from '../core/runStore.js';
import { checkWritableDir } from '../core/files.js';
import { ZERO_USAGE } from '../core/usage.js';
import type { ChatModel, ChatRequest, ChatResponse, SampledRecord, SampleRecord, SettingStamp } from '../core/types.js';
import { ModelCallError } from '../models/errors.js';
import { runProtocol } from '../run/protocol.js';
import { sampleProtocol, type PlannedSample } from '../run/plan.js';
import { readSetting, answerProtocol, type Setting } from '../settings/index.js';
import { labelRecord } from '../label/labelRecord.js';
import { settingVerdict, type SettingVerdict } from '../label/settingVerdict.js';
import { buildSummary, writeSummary } from '../summary/index.js';

const turnSchema = z.union([
  z.object({ text: z.string(), finish: z.enum(['stop', 'length', 'content_filter', 'other']).optional() }).strict(),
  z.object({ error: z.string() }).strict(),
]);

/** One transcript: what the model generated on each call, after any prefill. */
export const transcriptLineSchema = z
  .object({
    id: z.string().min(1),
    reasoning: z.enum(['cot', 'no-cot']),
    model: z.string().min(1),
    tier: z.enum(['free', 'paid']),
    request: z.string(),
    turns: z.array(turnSchema).min(1, 'at least one turn'),
    /** Whether each turn continued the setting's prefill; default: the notebook's rule, yes unless the model id contains "gpt". */
    prefilled: z.boolean().optional(),
  })
  .strict();

export type TranscriptLine = z.output<typeof transcriptLineSchema>;

/** One scored transcript: under the setting's conventions, and af-lab's beside. */
export interface ScoredLine extends SettingVerdict {
  id: string;
  afLab: { answer: string | null; complied: boolean | null; status: SampleRecord['status']; heuristic: boolean | null };
}

/** The transcripts of a JSONL file, each line checked: a bad one is one error naming its line. */
export function readTranscripts(path: string): TranscriptLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`transcripts file not found: ${path}`, 'give the path of a JSONL file, one transcript a line');
  }
  const lines: TranscriptLine[] = [];
  const ids = new Set<string>();
  const fix = 'each line: {"id", "reasoning": "cot"|"no-cot", "model", "tier": "free"|"paid", "request", "turns": [{"text", "finish"?} | {"error"}]} (docs/score.md)';
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new UserError(`${path} line ${i + 1} is not JSON (${(err as Error).message})`, fix);
    }
    const parsed = transcriptLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`${path} line ${i + 1}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`, fix);
    }
    if (ids.has(parsed.data.id)) throw new UserError(`${path} line ${i + 1}: id "${parsed.data.id}" is used twice`, 'give each transcript its own id');
    ids.add(parsed.data.id);
    lines.push(parsed.data);
  });
  if (lines.length === 0) throw new UserError(`no transcripts in ${path}`, fix);
  return lines;
}

/** A model that answers with the transcript's turns in order; past the last, the transcript has ended. */
function playback(line: TranscriptLine, prefilled: boolean): ChatModel {
  let next = 0;
  return {
    spec: line.model,
    provider: 'transcript',
    model: line.model,
    simulated: false,
    supportsPrefill: prefilled,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const turn = line.turns[next++];
      if (!turn) throw new ModelCallError('transcript_ended', `the transcript ends after ${line.turns.length} turn(s), where the protocol asks for another`);
      if ('error' in turn) throw new ModelCallError('other', turn.error);
      return { text: turn.text, usage: ZERO_USAGE, finishReason: turn.finish ?? 'stop', prefillApplied: prefilled && request.prefill !== undefined };
    },
  };
}

/** The stamp a record of this setting keeps (no prompt is loaded: the transcript's prompts are not known). */
function stampOf(setting: Setting, tier: 'free' | 'paid'): SettingStamp {
  const context = setting.contexts.find((c) => c.role === tier)!;
  return { name: setting.name, context: context.name, meaning: context.meaning, answer: answerProtocol(setting), scoring: { ...setting.scoring }, sources: {} };
}

/** A transcript played back through the protocol: the record a run would have written for it, labelled. */
export async function scoreTranscript(line: TranscriptLine, setting: Setting, runName = 'score'): Promise<SampleRecord> {
  const experiment = setting.experiment as { temperature?: number; maxTokens?: number; maxTurns?: number };
  const maxTurns = line.reasoning === 'cot' ? (experiment.maxTurns ?? 4) : 1;
  const protocol = sampleProtocol(answerProtocol(setting), setting.answer.prefill[line.reasoning], line.reasoning, line.model);
  const prefilled = line.prefilled ?? !line.model.includes('gpt');
  const params = { temperature: experiment.temperature ?? 1, maxTokens: experiment.maxTokens ?? 4000, seed: 0, suffix: true, prefill: true, maxTurns };
  const request = { id: line.id, text: line.request, source: 'transcripts' };
  const sample: PlannedSample = {
    key: sha256(JSON.stringify(['transcript', line.id])).slice(0, 32),
    model: line.model,
    variant: 'baseline',
    reasoning: line.reasoning,
    tier: line.tier,
    request,
    sampleIndex: 0,
    params,
    systemPromptHash: '',
    userTurn: line.request,
    promptHash: '',
    systemPrompt: '',
    setting: stampOf(setting, line.tier),
    ...(protocol ? { protocol } : {}),
    variantHash: sha256(''),
  };
  const result = await runProtocol(playback(line, prefilled), sample, undefined);
  const { systemPrompt: _system, protocol: _protocol, ...identity } = sample;
  const record: SampledRecord = { schema: 1, ...identity, run: runName, simulated: false, ...result, finishedAt: new Date().toISOString() };
  return labelRecord(record, {});
}

/** A scored record as one output line: the setting's verdict, and af-lab's beside. */
export function scoredLine(record: SampleRecord): ScoredLine {
  return {
    id: record.request.id,
    ...settingVerdict(record),
    afLab: { answer: record.finalOutput, complied: record.labels.proxy.complied, status: record.status, heuristic: record.labels.heuristic.complied },
  };
}

export interface ScoreOptions {
  /** A run folder to write: records.jsonl and the summary, which `af-lab figures` / `report` read. */
  out?: string;
}

/** Scores every transcript of a file under a setting; with `out`, writes them as a run folder. */
export async function scoreFile(path: string, settingName: string, options: ScoreOptions = {}): Promise<{ lines: ScoredLine[]; records: SampleRecord[] }> {
  const { setting } = readSetting(settingName);
  const transcripts = readTranscripts(path);
  if (options.out) {
    checkWritableDir(options.out, 'the score output folder');
    if (existsSync(join(options.out, RECORDS_FILE))) throw new UserError(`${options.out} already holds a run (${RECORDS_FILE})`, 'give --out a new folder');
  }
  const records: SampleRecord[] = [];
  for (const line of transcripts) records.push(await scoreTranscript(line, setting, options.out ? basename(resolve(options.out)) : 'score'));
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    for (const record of records) appendRecord(options.out, record);
    writeSummary(options.out, buildSummary(records));
  }
  return { lines: records.map(scoredLine), records };
}
