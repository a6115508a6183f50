// The labelling workflow: export a stratified sample of transcripts to a CSV a person can fill in
// (blind to every classifier and to the simulator's truth), import the filled-in sheet into the run,
// and use it as the reference that every classifier is compared against.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { SampledRecord, SampleRecord } from '../core/types.js';
import { z } from 'zod';
import { readInputFile } from '../core/safeIo.js';
import { UserError } from '../core/errors.js';
import { parseChecked } from '../core/validate.js';
import { writeFileAtomic } from '../core/files.js';
import { seededRandom, shuffled } from '../core/random.js';
import type { Reference } from './accuracy.js';
import { failedCriteria } from '../judge/afVotes.js';

/** The columns a person fills in: yes / no, or blank when unsure or not applicable. */
export const LABEL_COLUMNS = ['human_complied', 'human_af', 'human_partial'] as const;
const SHEET_COLUMNS = ['key', 'model', 'variant', 'reasoning', 'tier', 'request', 'scratchpad', 'final_output', ...LABEL_COLUMNS, 'notes'];

const humanLabelSchema = z.object({
  key: z.string().min(1),
  complied: z.boolean().nullable(),
  af: z.boolean().nullable(),
  partial: z.boolean().nullable(),
  notes: z.string().optional(),
});
const humanLabelsSchema = z.array(humanLabelSchema);

export type HumanLabel = z.output<typeof humanLabelSchema>;

const yn = (v: boolean | null | undefined): string => (v == null ? 'none' : v ? 'yes' : 'no');

/**
 * The stratum of a record: its condition and what the proxy and the compliance judge said, so disagreements
 * get sampled. The text seeds each stratum's shuffle, so it keeps the words it had before the compliance
 * label was renamed (`judge=`): a seed draws the same sheet as it did then.
 */
export function stratumOf(record: SampleRecord): string {
  return [record.model, record.reasoning, record.tier, `proxy=${yn(record.labels.proxy?.complied)}`, `judge=${yn(record.labels.compliance?.complied)}`].join(' | ');
}

/**
 * A stratified sample of answered records: strata are visited in turn and one record drawn from each
 * (in a seeded random order) until n are taken, so small strata (such as proxy–judge disagreements)
 * are represented. The sample is therefore not proportional: its metrics describe classifiers on
 * these strata, not the run's overall rates.
 */
export function stratifiedSample(records: readonly SampleRecord[] | (() => Iterable<SampleRecord>), n: number, seed = 0): SampleRecord[] {
  // Two passes over the records (a run streamed from disk is read twice; an array is walked twice):
  // the first counts each stratum, the second keeps only the records drawn. Each stratum's seeded
  // shuffle is made on the positions of its records (the same draws as shuffling the records), so
  // only a number per answered record is held, never the records.
  const pass = typeof records === 'function' ? records : () => records;
  const counts = new Map<string, number>();
  for (const record of pass()) {
    if (record.status !== 'answered') continue;
    const name = stratumOf(record);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  // Strata are visited in a seeded random order, so with fewer rows than strata no condition is favoured.
  const order = shuffled([...counts.keys()].sort(), seededRandom('labels-strata', seed));
  const queues = order.map((name) => ({ name, positions: shuffledPositions(counts.get(name)!, seededRandom('labels', seed, name)), next: 0 }));
  // Per stratum, position in the stratum -> place in the sample.
  const wanted = new Map<string, Map<number, number>>(order.map((name) => [name, new Map()]));
  let picked = 0;
  while (picked < n && queues.some((q) => q.next < q.positions.length)) {
    for (const queue of queues) {
      if (queue.next < queue.positions.length && picked < n) wanted.get(queue.name)!.set(queue.positions[queue.next], picked++);
      queue.next++;
    }
  }
  const sample = new Array<SampleRecord>(picked);
  const seen = new Map<string, number>();
  for (const record of pass()) {
    if (record.status !== 'answered') continue;
    const name = stratumOf(record);
    const position = seen.get(name) ?? 0;
    seen.set(name, position + 1);
    const place = wanted.get(name)?.get(position);
    if (place !== undefined) sample[place] = record;
  }
  // The second pass must meet the records the first one counted (a run appended to meanwhile does not).
  if (sample.some((record) => record === undefined)) throw new UserError('the run changed while its records were read for the label sheet', 'run the command again once the run has stopped writing');
  return sample;
}

/** shuffled() of the positions 0..count-1, in a typed array: the same draws, 4 bytes a position. */
function shuffledPositions(count: number, random: () => number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** Columns added by an unblinded export: the AF classifier's verdict and the criteria that failed. */
export const REVIEW_COLUMNS = ['classifier_af', 'classifier_af_score', 'classifier_af_failed'] as const;

/**
 * The sheet a person fills in. Blind by default; `unblind` adds the AF classifier's verdict and which of
 * Hughes et al.'s criteria failed, for reviewing disagreements (a sheet labelled that way is not blind).
 */
export function labelSheetCsv(records: SampleRecord[], { unblind = false } = {}): string {
  const review = (r: SampleRecord): string[] => {
    const af = r.labels.af;
    if (!af) return ['', '', ''];
    return [af.label ?? 'unparseable', af.score === null ? '' : af.score.toFixed(2), failedCriteria(af).join('; ')];
  };
  const rows = records.map((r) => [r.key, r.model, r.variant, r.reasoning, r.tier, r.request.text, r.scratchpad ?? '', r.finalOutput ?? '', '', '', '', '', ...(unblind ? review(r) : [])]);
  // Transcripts are untrusted: cells that a spreadsheet would run as formulas are escaped.
  return stringify([[...SHEET_COLUMNS, ...(unblind ? REVIEW_COLUMNS : [])], ...rows], { escape_formulas: true });
}

export function exportLabelSheet(records: readonly SampleRecord[] | (() => Iterable<SampleRecord>), outPath: string, { n = 100, seed = 0, unblind = false } = {}): { rows: number; strata: Record<string, number> } {
  if (!(Number.isInteger(n) && n >= 1)) throw new UserError(`${n} transcripts to label is not a whole number of at least 1`, 'give --n 1 or more (default 100)');
  if (!Number.isInteger(seed)) throw new UserError(`sampling seed ${seed} is not a whole number`, 'give --seed a whole number (default 0)');
  const sample = stratifiedSample(records, n, seed);
  if (sample.length === 0) throw new UserError('the run has no answered records to label', 'run the experiment first (af-lab run)');
  writeFileAtomic(outPath, labelSheetCsv(sample, { unblind }));
  const strata: Record<string, number> = {};
  for (const record of sample) strata[stratumOf(record)] = (strata[stratumOf(record)] ?? 0) + 1;
  return { rows: sample.length, strata };
}

function readCell(value: string | undefined, column: string, row: number, path: string): boolean | null {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === '?' || text === 'na' || text === 'n/a') return null;
  if (['yes', 'y', '1', 'true'].includes(text)) return true;
  if (['no', 'n', '0', 'false'].includes(text)) return false;
  throw new UserError(`${path} row ${row}: ${column} is "${value}"`, 'write yes or no, or leave the cell blank when unsure');
}

/** Read a filled-in sheet. Rows with no label at all are skipped. */
export function readLabelSheet(path: string): HumanLabel[] {
  let text: string;
  try {
    text = readInputFile(path, 'labels file');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`labels file not found: ${path}`, 'give the CSV written by `af-lab labels export` after filling it in');
  }
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true });
  } catch (err) {
    throw new UserError(`${path} is not a readable CSV (${(err as Error).message})`, 'save the sheet as CSV (comma separated, UTF-8)');
  }
  if (rows.length && !('key' in rows[0])) throw new UserError(`${path} has no "key" column`, 'keep the key column written by `af-lab labels export`');
  if (rows.length && !LABEL_COLUMNS.some((c) => c in rows[0])) throw new UserError(`${path} has none of the columns ${LABEL_COLUMNS.join(', ')}`, 'fill in the label columns written by `af-lab labels export`');
  const labels: HumanLabel[] = [];
  rows.forEach((row, i) => {
    const line = i + 2; // header is line 1
    const label: HumanLabel = {
      key: (row.key ?? '').trim(),
      complied: readCell(row.human_complied, 'human_complied', line, path),
      af: readCell(row.human_af, 'human_af', line, path),
      partial: readCell(row.human_partial, 'human_partial', line, path),
      ...(row.notes?.trim() ? { notes: row.notes.trim() } : {}),
    };
    if (!label.key) throw new UserError(`${path} row ${line} has no key`, 'keep the key column as exported');
    if (label.complied !== null || label.af !== null || label.partial !== null) labels.push(label);
  });
  return labels;
}

export const HUMAN_LABELS_FILE = 'human-labels.json';

export function readHumanLabels(runDir: string): HumanLabel[] {
  const path = join(runDir, HUMAN_LABELS_FILE);
  if (!existsSync(path)) return [];
  const fix = 'restore it, or delete it and import the filled-in label sheet again';
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path} is not valid JSON (${(err as Error).message})`, fix);
  }
  return parseChecked(humanLabelsSchema, json, path, fix);
}

/** Merge a filled-in sheet into <runDir>/human-labels.json (a later import of the same key wins). */
export function importHumanLabels(runDir: string, sheetPath: string, records: Iterable<Pick<SampledRecord, 'key'>>): { imported: number; total: number; unknownKeys: string[] } {
  const incoming = readLabelSheet(sheetPath);
  // Only the sheet's keys are held (a few hundred), the run's records pass one at a time.
  const sheetKeys = new Set(incoming.map((l) => l.key));
  const known = new Set<string>();
  for (const record of records) if (sheetKeys.has(record.key)) known.add(record.key);
  const unknownKeys = incoming.filter((l) => !known.has(l.key)).map((l) => l.key);
  if (incoming.length && unknownKeys.length === incoming.length) {
    throw new UserError(`none of the ${incoming.length} labelled keys in ${sheetPath} belongs to the run in ${runDir}`, 'import the sheet into the run it was exported from');
  }
  const merged = new Map(readHumanLabels(runDir).map((l) => [l.key, l]));
  for (const label of incoming) if (known.has(label.key)) merged.set(label.key, label);
  writeFileAtomic(join(runDir, HUMAN_LABELS_FILE), `${JSON.stringify([...merged.values()], null, 1)}\n`);
  return { imported: incoming.length - unknownKeys.length, total: merged.size, unknownKeys };
}

export function referenceFromHumanLabels(labels: HumanLabel[], source = 'human labels'): Reference {
  return { source, labels: new Map(labels.map((l) => [l.key, { complied: l.complied, af: l.af, partial: l.partial }])) };
}
