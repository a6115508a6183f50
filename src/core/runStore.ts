// A run's folder: data/results/<name>/ with
//   run.json        the configuration and af-lab version that produced it
//   prompts/<sha256>.txt  every exact system prompt used (records store its hash)
//   records.jsonl   one SampledRecord per line, appended as samples finish
//   calls.jsonl     one line per model call actually sent (not served from the cache): the audit of spend
//   (and, written by later stages: judgements.jsonl, summary.*, report.html, .outputs.json: see pipeline/outputsStamp.ts)
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { storedScorers, type ExperimentConfig, type StoredScorer } from './config.js';
import type { SampledRecord, Usage } from './types.js';
import { KeySet, KeyTable } from './keyTable.js';
import { UserError } from './errors.js';
import { appendJsonLine, jsonLines, readJsonLines, textLines, writeFileAtomic } from './files.js';
import { callLineSchema, lineProblem, manifestSchema, sampledRecordSchema } from './lineCheck.js';
import { firstIssue } from './validate.js';
import { afLabVersion } from './version.js';
import { redactSecrets } from './secrets.js';

export const RECORDS_FILE = 'records.jsonl';
export const CALLS_FILE = 'calls.jsonl';
export const RUN_FILE = 'run.json';

export interface CallLine {
  at: string;
  model: string;
  purpose: string;
  cacheKey: string;
  usage: Usage;
  costUsd?: number;
  /** Logged on a resume: the answer was paid for by this run and cached, and a kill kept its line out. */
  reconciled?: boolean;
  /** Of a votes call (AF votes): the votes this call paid for, by index (a top-up's line lists only the new ones). */
  votes?: number[];
}

export type StoredConfig = Omit<ExperimentConfig, 'scorers'> & { scorers?: StoredScorer[] };

export interface RunManifest {
  name: string;
  afLabVersion: string;
  createdAt: string;
  updatedAt: string;
  simulated: boolean;
  /** The run's configuration; its scorers as storedScorers writes them (a path, or a code scorer's name and version). */
  config: StoredConfig;
  /** The setting's texts as this run loaded them: sha256 and identity (pinned, recorded on first use, unverified local copy, ...) by element. */
  setting?: RunSettingTexts;
}

export interface RunSettingTexts {
  name: string;
  texts: Record<string, { sha256: string; identity: string }>;
}

export function runDirFor(config: Pick<ExperimentConfig, 'outDir' | 'name'>): string {
  return resolve(config.outDir, config.name);
}

export function prepareRunDir(runDir: string, config: ExperimentConfig, simulated: boolean, systemPrompts: ReadonlyMap<string, string>, setting?: RunSettingTexts): void {
  mkdirSync(join(runDir, 'prompts'), { recursive: true });
  const now = new Date().toISOString();
  const previous = existsSync(join(runDir, RUN_FILE)) ? readManifest(runDir) : undefined;
  // Scorer objects are written as their name and version (or their file), never as the objects: see storedScorers.
  const stored: StoredConfig = { ...config, scorers: config.scorers && storedScorers(config.scorers) };
  const manifest: RunManifest = { name: config.name, afLabVersion: afLabVersion(), createdAt: previous?.createdAt ?? now, updatedAt: now, simulated, config: stored, ...(setting ? { setting } : {}) };
  // Atomic, not fsynced, like the records appended after them: every start rewrites the manifest and
  // any prompt file that is missing or cut short, so resuming puts back what a power loss could take,
  // and no fsync delays the first request.
  // Model specs and URLs in the configuration keep their parameter names, never their values or credentials.
  writeFileAtomic(join(runDir, RUN_FILE), `${redactSecrets(JSON.stringify(manifest, null, 2))}\n`, { durable: false, ensureDir: false });
  for (const [hash, text] of systemPrompts) {
    const path = join(runDir, 'prompts', `${hash}.txt`);
    if (statSync(path, { throwIfNoEntry: false })?.size !== Buffer.byteLength(text)) writeFileAtomic(path, text, { durable: false, ensureDir: false });
  }
}

/**
 * Every sample of a run, one record each, in the order they first finished. A torn last line (a killed
 * run) is dropped; a sample written twice (an error sampled again) is read as its latest record.
 */
export function readRecords(runDir: string, { repair = false } = {}): SampledRecord[] {
  if (!existsSync(runDir)) throw new UserError(`run folder not found: ${runDir}`, 'run the experiment first, or check the path');
  return latestPerKey([...recordLines(runDir, { repair })].map((line) => line.value));
}

/**
 * Every line of records.jsonl as it is read, with the byte offset where it starts (a sample written
 * twice appears twice: the reader decides which is current). For runs too big to hold.
 */
export function recordLines(runDir: string, { repair = false } = {}): Generator<{ value: SampledRecord; line: number; offset: number }> {
  return jsonLines<SampledRecord>(join(runDir, RECORDS_FILE), { repair, check: { schema: sampledRecordSchema, what: 'sample record', fix: repairFix(runDir) } });
}

/** A record line's key, read without parsing the whole line (af-lab writes `key` second); a line written otherwise is parsed. */
function keyOfLine(text: string): string | undefined {
  const match = /^\{"schema":1,"key":"([^"\\]*)"/.exec(text);
  if (match) return match[1];
  try {
    const key = (JSON.parse(text) as { key?: unknown }).key;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined; // the full read names the bad line
  }
}

/** Lines of records.jsonl whose key could not be read, as recordKeys counts them (the first by number and why). */
export interface UnreadableLines {
  count: number;
  first?: { line: number; problem: string };
}

/**
 * The key of every line of records.jsonl, in file order, with the byte offset of its line (a sample
 * written twice gives its key twice): one pass, no record parsed or checked. A line whose key cannot
 * be read is not given; `unreadable`, when passed, counts them (the full read names a bad line).
 */
export function* recordKeys(runDir: string, unreadable?: UnreadableLines): Generator<{ key: string; offset: number }> {
  for (const { text, line, offset } of textLines(join(runDir, RECORDS_FILE))) {
    const key = keyOfLine(text);
    if (key !== undefined) yield { key, offset };
    else if (unreadable && unreadable.count++ === 0) unreadable.first = { line, problem: lineProblem(text) ? 'is not valid JSON' : 'is not a valid sample record (it has no key)' };
  }
}

/**
 * recordKeys for a pass that must see every sample (labels import): after the last key, any line
 * whose key could not be read is the UserError the full read gives for it (line, problem, `af-lab
 * repair`), so a caller that writes once the pass is over writes nothing.
 */
export function* everyRecordKey(runDir: string): Generator<{ key: string; offset: number }> {
  const unreadable: UnreadableLines = { count: 0 };
  yield* recordKeys(runDir, unreadable);
  if (unreadable.first) {
    const more = unreadable.count > 1 ? ` (and ${unreadable.count - 1} more line${unreadable.count > 2 ? 's' : ''} whose key cannot be read)` : '';
    throw new UserError(`${join(runDir, RECORDS_FILE)} line ${unreadable.first.line} ${unreadable.first.problem}${more}`, repairFix(runDir));
  }
}

/**
 * For samples with more than one line in records.jsonl (an error sampled again), the byte offset of
 * the current (last) line: one pass over the file's keys, no record parsed. What currentRecords needs.
 */
export function supersededLines(runDir: string): Map<string, number> {
  const last = new Map<string, number>();
  // The keys seen, packed and past a fixed budget in a scratch file (core/keyTable.ts): a run of a
  // million samples reads in the memory ten thousand take.
  const seen = new KeyTable();
  try {
    for (const { key, offset } of recordKeys(runDir)) {
      const size = seen.size;
      if (seen.add(key) < size) last.set(key, offset);
    }
  } finally {
    seen.close();
  }
  return last;
}

/** How many samples records.jsonl holds (its distinct keys: what currentRecords yields), from its keys alone. */
export function countCurrentRecords(runDir: string): number {
  const seen = new KeyTable();
  try {
    for (const { key } of recordKeys(runDir)) seen.add(key);
    return seen.size;
  } finally {
    seen.close();
  }
}

/**
 * Records yielded by the run readers (currentRecords, run/runner's runRecords) in this process. Tests
 * compare it with what the consumers took, to check that no path holds more than a window of records.
 */
export const recordReads = { yielded: 0 };

/**
 * The run's current records one at a time, as records.jsonl holds them: in the order they were
 * written, the latest line of a sample written twice, at the place of that line. Nothing is held but
 * the line read and the keys (supersededLines). `currentLine`: that map, when the caller has it.
 */
export function* currentRecords(runDir: string, { repair = false, currentLine }: { repair?: boolean; currentLine?: ReadonlyMap<string, number> } = {}): Generator<SampledRecord> {
  const current = currentLine ?? supersededLines(runDir);
  for (const { value, offset } of recordLines(runDir, { repair })) {
    const at = current.get(value.key);
    if (at === undefined || at === offset) {
      recordReads.yielded++;
      yield value;
    }
  }
}

/** records.jsonl is append-only: a later line for the same sample key supersedes the earlier ones. */
export function latestPerKey<T extends { key: string }>(lines: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const line of lines) latest.set(line.key, line);
  return latest.size === lines.length ? (lines as T[]) : [...latest.values()];
}

export function readManifest(runDir: string): RunManifest {
  const path = join(runDir, RUN_FILE);
  if (!existsSync(path)) throw new UserError(`${path} not found: not an af-lab run folder`, 'pass a folder under data/results/');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UserError(`${path} is not valid JSON (cut short?)`, repairFix(runDir));
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) throw new UserError(`${path} is not a valid run manifest (${firstIssue(parsed.error)})`, repairFix(runDir));
  return parsed.data as unknown as RunManifest;
}

/** The fix printed for a bad line or file in a run folder. */
export function repairFix(runDir: string): string {
  return `run "af-lab repair ${runDir}": it moves bad lines aside (to <file>.bad; their samples are sampled again on the next run) and a bad run.json to run.json.bad (the next run writes it again)`;
}

/** Appends one record; returns the bytes written (offsets of later lines follow from them). */
export function appendRecord(runDir: string, record: SampledRecord): number {
  return appendJsonLine(join(runDir, RECORDS_FILE), record);
}

export function appendCall(runDir: string, call: CallLine): void {
  void appendJsonLine(join(runDir, CALLS_FILE), call);
}

/**
 * The calls a run's ledger (calls.jsonl) logs: every cache key (packed, 64-digit hex: 36 bytes a key),
 * and for a votes call the votes its lines paid for, so a top-up (more votes of a request already
 * logged) is told apart from the first payment.
 */
export class LoggedCalls {
  private readonly keys = new KeySet(64);
  private readonly votes = new Map<string, Set<number>>();

  add(call: Pick<CallLine, 'cacheKey' | 'votes'>): void {
    this.keys.add(call.cacheKey);
    if (!call.votes) return;
    let logged = this.votes.get(call.cacheKey);
    if (!logged) this.votes.set(call.cacheKey, (logged = new Set()));
    for (const index of call.votes) logged.add(index);
  }

  /** Whether a line under `key` is logged; with `votes`, whether a line lists each of them. */
  has(key: string, votes?: readonly number[]): boolean {
    if (votes === undefined) return this.keys.has(key);
    const logged = this.votes.get(key);
    return votes.every((index) => logged?.has(index) === true);
  }
}

/** The calls in the run's ledger (calls.jsonl). */
export function loggedCalls(runDir: string): LoggedCalls {
  const logged = new LoggedCalls();
  for (const { value } of jsonLines<CallLine>(join(runDir, CALLS_FILE), { check: { schema: callLineSchema, what: 'call line', fix: repairFix(runDir) } })) logged.add(value);
  return logged;
}

/** Dollars the run's ledger (calls.jsonl) records as spent: what the run's budget is counted against. */
export function ledgerSpentUsd(runDir: string): number {
  let spent = 0;
  for (const { value } of jsonLines<CallLine>(join(runDir, CALLS_FILE), { check: { schema: callLineSchema, what: 'call line', fix: repairFix(runDir) } })) spent += value.costUsd ?? 0;
  return spent;
}

export function readCalls(runDir: string): CallLine[] {
  return readJsonLines<CallLine>(join(runDir, CALLS_FILE), { check: { schema: callLineSchema, what: 'call line', fix: repairFix(runDir) } });
}
