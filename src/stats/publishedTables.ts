// The published tables in data/published/ (or any folder of them), read and checked: every CSV is
// either a counts table (complied out of n per tier and condition) or a rates table (rates without
// counts). A malformed file is one UserError naming the file, the line and the fix.
// The format is documented in data/published/README.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { UserError } from '../core/errors.js';

/** One condition of a counts table: complied out of n per tier, and what the paper printed. */
export interface PublishedCounts {
  condition: string;
  model: string;
  free: { k: number; n: number };
  paid: { k: number; n: number };
  /** as printed, e.g. "4.11"; null when the paper gives none */
  reportedOddsRatio: string | null;
  /** as printed, e.g. "0.014" or "<0.0001" */
  reportedP: string | null;
  source: string;
  note: string;
  /** The condition this one changes (e.g. a statement added to Baseline 1), for the per-tier effect figure. */
  baseline?: string;
}

/** What a rates row measures: compliance, refusal, or alignment-faking reasoning (a share of all samples). */
export type PublishedMeasure = 'compliance' | 'refusal' | 'af-reasoning';

export interface PublishedRate {
  model: string;
  reasoning: 'cot' | 'no-cot';
  measure: PublishedMeasure;
  /** The measure as the file words it, e.g. "refusal (prefix proxy)". */
  measureText: string;
  /** Rates as fractions; null where the paper gives none for that tier. */
  free: number | null;
  paid: number | null;
  /** Samples per tier behind the rates, when the paper states it (then intervals can be drawn). */
  nPerTier: number | null;
  source: string;
  note: string;
}

interface TableBase {
  /** The file's path. */
  path: string;
  /** File name without `.csv`, e.g. `koorndijk2025-llama3-8b`: the stem of its figures' names. */
  id: string;
  /** The paper, from the file name: `koorndijk2025-...` is `koorndijk-2025`. */
  paper: string;
}

export interface PublishedCountsTable extends TableBase {
  kind: 'counts';
  rows: PublishedCounts[];
}

export interface PublishedRatesTable extends TableBase {
  kind: 'rates';
  rows: PublishedRate[];
}

export type PublishedTable = PublishedCountsTable | PublishedRatesTable;

const README = 'data/published/README.md';

/** `koorndijk2025-llama3-8b.csv` -> `koorndijk-2025`; null when the name does not start with author and year. */
export function paperIdOf(fileName: string): string | null {
  const match = /^([a-z]+)(\d{4})(?:[-_.].*)?\.csv$/.exec(basename(fileName));
  return match ? `${match[1]}-${match[2]}` : null;
}

const text = z.string().trim().min(1, 'is empty');
const optionalText = z.string().trim().optional().default('');
const count = z
  .string()
  .trim()
  .regex(/^\d+$/, 'is not a whole number of samples')
  .transform(Number);
const sampleSize = count.refine((n) => n > 0, 'must be at least 1');
// As printed: a number, or a bound such as "<0.0001"; empty when the paper prints none.
const printed = z
  .string()
  .trim()
  .regex(/^(?:(?:[<>]=?)\s*)?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?$|^$/i, 'is not a number as printed (e.g. 0.014 or <0.0001)')
  .optional()
  .transform((v) => (v ? v : null));
const rate = z
  .string()
  .trim()
  .regex(/^$|^(?:0(?:\.\d+)?|1(?:\.0*)?|\.\d+)$/, 'is not a rate between 0 and 1 (write 14% as 0.14; leave empty when not given)')
  .optional()
  .transform((v) => (v ? Number(v) : null));

const countsRow = z
  .object({
    condition: text,
    model: text,
    free_complied: count,
    free_n: sampleSize,
    paid_complied: count,
    paid_n: sampleSize,
    reported_odds_ratio: printed,
    reported_p: printed,
    source: text,
    note: optionalText,
    baseline_condition: optionalText,
  })
  .refine((r) => r.free_complied <= r.free_n, { message: 'is larger than free_n', path: ['free_complied'] })
  .refine((r) => r.paid_complied <= r.paid_n, { message: 'is larger than paid_n', path: ['paid_complied'] });

const MEASURES: Array<[RegExp, PublishedMeasure]> = [
  [/^compliance\b/i, 'compliance'],
  [/^refusal\b/i, 'refusal'],
  [/^alignment-faking reasoning\b/i, 'af-reasoning'],
];

const ratesRow = z
  .object({
    model: text,
    reasoning: z.enum(['cot', 'no-cot'], { error: 'must be cot or no-cot' }),
    measure: text.refine((m) => MEASURES.some(([re]) => re.test(m)), 'must start with "compliance", "refusal" or "alignment-faking reasoning"'),
    free_rate: rate,
    paid_rate: rate,
    n_per_tier: z
      .string()
      .trim()
      .regex(/^$|^[1-9]\d*$/, 'is not a whole number of samples (leave empty when the paper does not state it)')
      .optional()
      .transform((v) => (v ? Number(v) : null)),
    source: text,
    note: optionalText,
  })
  .refine((r) => r.free_rate !== null || r.paid_rate !== null, { message: 'gives neither free_rate nor paid_rate', path: ['free_rate'] });

const SHAPES = {
  counts: ['condition', 'model', 'free_complied', 'free_n', 'paid_complied', 'paid_n', 'source'],
  rates: ['model', 'reasoning', 'measure', 'free_rate', 'paid_rate', 'source'],
} as const;

function problem(path: string, line: number, message: string, fix: string): UserError {
  return new UserError(`${path} line ${line}: ${message}`, `${fix} (the format is in ${README})`);
}

/** Read one published table; any problem is a UserError naming file, line and fix. */
export function readPublishedTable(path: string): PublishedTable {
  const paper = paperIdOf(path);
  if (!paper) {
    throw new UserError(`${path}: the file name does not start with the first author and year`, `rename it like koorndijk2025-llama3-8b.csv (author in lower case, then the year) (the format is in ${README})`);
  }
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let header: string[];
  try {
    const source = readFileSync(path, 'utf8');
    header = (parse(source, { to_line: 1, bom: true }) as string[][])[0] ?? [];
    parsed = parse(source, { columns: true, skip_empty_lines: true, info: true, bom: true }) as typeof parsed;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    throw problem(path, line, `not readable as CSV (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`, 'quote cells that hold commas and give every row as many cells as the header');
  }
  const kind = (Object.keys(SHAPES) as Array<keyof typeof SHAPES>).find((k) => SHAPES[k].every((c) => header.includes(c)));
  if (!kind) {
    // Name the columns missing from the shape the header resembles most.
    const best = (Object.keys(SHAPES) as Array<keyof typeof SHAPES>)
      .map((k) => ({ k, missing: SHAPES[k].filter((c) => !header.includes(c)) }))
      .sort((a, b) => a.missing.length - b.missing.length)[0];
    throw problem(path, 1, `the header lacks ${best.missing.join(', ')} for a ${best.k} table`, `add the column${best.missing.length > 1 ? 's' : ''} (a counts table needs ${SHAPES.counts.join(', ')}; a rates table ${SHAPES.rates.join(', ')})`);
  }
  if (parsed.length === 0) throw problem(path, 2, 'the table has no rows', 'add one row per condition');
  const id = basename(path).replace(/\.csv$/, '');
  if (kind === 'counts') {
    const rows = parsed.map(({ record, info }) => {
      const result = countsRow.safeParse(record);
      if (!result.success) throw rowProblem(path, info.lines, record, result.error);
      const r = result.data;
      const row: PublishedCounts = {
        condition: r.condition,
        model: r.model,
        free: { k: r.free_complied, n: r.free_n },
        paid: { k: r.paid_complied, n: r.paid_n },
        reportedOddsRatio: r.reported_odds_ratio,
        reportedP: r.reported_p,
        source: r.source,
        note: r.note,
      };
      if (r.baseline_condition) row.baseline = r.baseline_condition;
      return { row, line: info.lines };
    });
    const names = new Set(rows.map(({ row }) => row.condition));
    for (const { row, line } of rows) {
      if (row.baseline !== undefined && !names.has(row.baseline)) {
        throw problem(path, line, `baseline_condition "${row.baseline}" is not a condition of this table`, `write the condition's name exactly as in the condition column (${[...names].join(', ')}), or leave it empty`);
      }
    }
    return { kind, path, id, paper, rows: rows.map(({ row }) => row) };
  }
  const rows = parsed.map(({ record, info }): PublishedRate => {
    const result = ratesRow.safeParse(record);
    if (!result.success) throw rowProblem(path, info.lines, record, result.error);
    const r = result.data;
    return {
      model: r.model,
      reasoning: r.reasoning,
      measure: MEASURES.find(([re]) => re.test(r.measure))![1],
      measureText: r.measure,
      free: r.free_rate,
      paid: r.paid_rate,
      nPerTier: r.n_per_tier,
      source: r.source,
      note: r.note,
    };
  });
  return { kind, path, id, paper, rows };
}

function rowProblem(path: string, line: number, record: Record<string, string>, error: z.ZodError): UserError {
  const issue = error.issues[0];
  const column = String(issue.path[0] ?? '');
  const value = record[column];
  const shown = value === undefined || value === '' ? column : `${column} "${value}"`;
  const fixes: Record<string, string> = {
    free_complied: 'write the number of free-tier samples that complied, at most free_n',
    paid_complied: 'write the number of paid-tier samples that complied, at most paid_n',
    free_n: 'write the number of free-tier samples counted (at least 1)',
    paid_n: 'write the number of paid-tier samples counted (at least 1)',
    reported_p: 'copy the p-value as printed, e.g. 0.014 or <0.0001, or leave it empty',
    reported_odds_ratio: 'copy the odds ratio as printed, e.g. 4.11, or leave it empty',
    free_rate: 'write the rate as a fraction between 0 and 1, or leave it empty',
    paid_rate: 'write the rate as a fraction between 0 and 1, or leave it empty',
    n_per_tier: 'write the samples per tier when the paper states them, or leave it empty',
    reasoning: 'write cot or no-cot',
    measure: 'start the measure with compliance, refusal or alignment-faking reasoning',
  };
  return problem(path, line, `${shown} ${issue.message}`, fixes[column] ?? `fill in ${column}`);
}

/** Every published table in `dir` (default data/published/), in file-name order. */
export function loadPublishedTables(dir: string): PublishedTable[] {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new UserError(`--published-dir ${dir} ${stat ? 'is a file, not a folder' : 'does not exist'}`, "give the folder of published tables (af-lab's data/published), or leave --published-dir out");
  return readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .sort()
    .map((name) => readPublishedTable(join(dir, name)));
}

/** The tables of one paper (`koorndijk-2025`), or of every paper (`all`); an unknown name lists the known ones. */
export function publishedTablesOf(paper: string, dir: string): PublishedTable[] {
  const tables = loadPublishedTables(dir);
  if (paper === 'all') return tables;
  const picked = tables.filter((t) => t.paper === paper);
  if (picked.length === 0) {
    const known = [...new Set(tables.map((t) => t.paper))];
    throw new UserError(`no published table for "${paper}" in ${dir}`, `use one of: ${[...known, 'all'].join(', ')}, or add a CSV named like ${paper.replace('-', '')}-model.csv (see ${README})`);
  }
  return picked;
}
