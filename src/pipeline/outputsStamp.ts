// What lets a re-run with nothing to do skip reading the run: after a complete pass (every sample
// sent without an error a re-run would retry, every judgement made), <runDir>/.outputs.json keeps a
// key made of the records and judgements files' sizes and modification times, the plan's identity,
// every option that shapes the outputs and the hash of the code that labels, summarises and draws them, with the summary and the list of outputs written. A later
// run whose key matches, with those outputs still in place, returns them as they are, before sampling
// (nothing is left to sample). Any change to either file (a sample, a judgement, a repair, an edit), to
// the plan or to an option changes the key, and the next run reads and writes everything again.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { storedScorers, type ExperimentConfig } from '../core/config.js';
import { writeFileAtomic } from '../core/files.js';
import { sha256 } from '../core/hash.js';
import { RECORDS_FILE } from '../core/runStore.js';
import { afLabVersion } from '../core/version.js';
import { codeHash } from '../core/codeHash.js';
import { folderInputsMarker, fileInputsMarker } from '../core/inputsHash.js';
import { JUDGEMENTS_FILE } from '../label/judgements.js';
import type { JudgeRunResult } from '../label/judgeRun.js';
import type { Summary } from '../summary/index.js';
import type { WriteFiguresResult } from '../plots/export.js';

export const OUTPUTS_STAMP = '.outputs.json';

export interface OutputsStamp {
  records: number;
  errorKinds: Record<string, number>;
  summary: Summary;
  /** Judgements labelling the records, per kind. */
  labelled: Partial<Record<string, number>>;
  figures?: WriteFiguresResult;
  reportFile?: string;
}

const stampSchema = z.object({
  schema: z.literal(1),
  key: z.string(),
  records: z.number().int().nonnegative(),
  errorKinds: z.record(z.string(), z.number()),
  summary: z.object({ rows: z.array(z.unknown()), mitigation: z.array(z.unknown()), labels: z.array(z.string()) }).passthrough(),
  labelled: z.record(z.string(), z.number()),
  figures: z.object({ outDir: z.string(), figures: z.array(z.object({ name: z.string(), html: z.string(), svg: z.string().optional(), png: z.string().optional() })), images: z.boolean(), note: z.string().optional() }).optional(),
  reportFile: z.string().optional(),
});

/** A file's identity for the key: size and modification time (absent: null). */
function fingerprint(path: string): [number, number] | null {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? [stat.size, stat.mtimeMs] : null;
  } catch {
    return null; // a path through a file: no run here (sampling says why, in its own words)
  }
}

/** The key of the folder's current state and of the options that shape its outputs. */
export function outputsStampKey(runDir: string, parts: { config: ExperimentConfig; plan: string; judging?: Pick<JudgeRunResult, 'judge' | 'promptHashes'>; setting: string; figures: unknown; report: boolean }): string {
  return sha256(
    JSON.stringify([
      afLabVersion(),
      // The labelling, summary and drawing code: a changed rule re-applies to this run's records.
      codeHash(),
      fingerprint(join(runDir, RECORDS_FILE)),
      fingerprint(join(runDir, JUDGEMENTS_FILE)),
      // Scorer objects by name and version (their identities are in the judging's prompt hashes): never the objects.
      { ...parts.config, scorers: parts.config.scorers && storedScorers(parts.config.scorers) },
      parts.plan,
      parts.judging ? [parts.judging.judge, parts.judging.promptHashes] : null,
      parts.setting,
      parts.figures,
      parts.report,
    ]),
  );
}

/** The stamp, when its key matches and every output it lists is still there; else undefined. */
export function readOutputsStamp(runDir: string, key: string): OutputsStamp | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(runDir, OUTPUTS_STAMP), 'utf8'), (_key, v: unknown) => (isNonFinite(v) ? Number(v.$number) : v));
  } catch {
    return undefined;
  }
  const parsed = stampSchema.safeParse(value);
  if (!parsed.success || parsed.data.key !== key) return undefined;
  const stamp = parsed.data as unknown as OutputsStamp;
  const outputs = [
    join(runDir, 'summary.csv'),
    join(runDir, 'summary.md'),
    ...(stamp.summary.mitigation.length ? [join(runDir, 'mitigation.csv')] : []),
    ...(stamp.figures ? [folderInputsMarker(stamp.figures.outDir), ...stamp.figures.figures.flatMap((f) => [f.html, f.svg, f.png].filter((x): x is string => !!x))] : []),
    ...(stamp.reportFile ? [stamp.reportFile, fileInputsMarker(stamp.reportFile)] : []),
  ];
  return outputs.every((file) => existsSync(file)) ? stamp : undefined;
}

export function writeOutputsStamp(runDir: string, key: string, stamp: OutputsStamp): void {
  // The summary holds NaN, Infinity and -0 (an empty tier's interval, an odds ratio of a zero cell): kept as they are.
  const text = JSON.stringify({ schema: 1, key, ...stamp }, (_key, v: unknown) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { $number: Object.is(v, -0) ? '-0' : String(v) } : v));
  writeFileAtomic(join(runDir, OUTPUTS_STAMP), `${text}\n`, { durable: false });
}

const isNonFinite = (v: unknown): v is { $number: string } =>
  typeof v === 'object' && v !== null && Object.keys(v).length === 1 && ['NaN', 'Infinity', '-Infinity', '-0'].includes((v as { $number?: unknown }).$number as string);

/** Before outputs are rewritten: a pass cut short must not leave a stamp that vouches for them. */
export function forgetOutputsStamp(runDir: string): void {
  rmSync(join(runDir, OUTPUTS_STAMP), { force: true });
}
