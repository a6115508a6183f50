// `af-lab stats fisher --tables <file>`: many tier tables at once, for batch work (one process
// instead of one per table). Input: CSV/TSV with a header row, or JSONL; each row gives the counts as
// `free` and `paid` ("15/98") or as `free_complied`, `free_n`, `paid_complied`, `paid_n`. Any other
// column (a name, a condition) is copied to the output unchanged. Output: one flat row per table, as
// CSV (default), JSON (an array) or JSONL.
import { readInputFile } from '../core/safeIo.js';
import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import { parseTableRows, type TableRow } from '../core/tableRows.js';
import type { Count } from '../stats/proportion.js';
import { assertProportion } from '../stats/validate.js';
import { fisherReport, parseCount, statsJson } from './statsReport.js';

const COUNT_COLUMNS = ['free', 'paid', 'free_complied', 'free_n', 'paid_complied', 'paid_n'];

const whole = z.union([z.number(), z.string().trim().regex(/^\d+$/, 'a whole number').transform(Number)]).pipe(z.number().int().nonnegative());
const countsSchema = z.union([
  z.object({ free: z.string(), paid: z.string() }),
  z.object({ free_complied: whole, free_n: whole, paid_complied: whole, paid_n: whole }),
]);

export type BatchFormat = 'csv' | 'json' | 'jsonl';

/** One output row: the row's own columns, then every number the calculator prints. */
export type BatchRow = Record<string, string | number | boolean | null>;

function countsOf(row: TableRow, where: string): { free: Count; paid: Count } {
  const parsed = countsSchema.safeParse(row);
  if (!parsed.success) {
    throw new UserError(`${where} has no usable counts`, 'give free and paid as complied/samples (15/98), or free_complied, free_n, paid_complied and paid_n as whole numbers');
  }
  const data = parsed.data;
  if ('free' in data) return { free: parseCount(data.free, `${where}: free`), paid: parseCount(data.paid, `${where}: paid`) };
  assertProportion(data.free_complied, data.free_n, `${where}: free tier`);
  assertProportion(data.paid_complied, data.paid_n, `${where}: paid tier`);
  return { free: { k: data.free_complied, n: data.free_n }, paid: { k: data.paid_complied, n: data.paid_n } };
}

const plain = (value: unknown): string | number | boolean | null =>
  value === null || value === undefined ? null : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : JSON.stringify(value);

/** The calculator's numbers for every row of a table file's text. Throws UserError on the first bad row. */
export function fisherBatch(rows: TableRow[], alpha: number, path: string): BatchRow[] {
  if (rows.length === 0) throw new UserError(`${path} has no rows`, 'add one row per table (free and paid counts)');
  return rows.map((row, i) => {
    const where = `${path} row ${i + 1}`;
    const { free, paid } = countsOf(row, where);
    const r = fisherReport(free, paid, alpha);
    const own: BatchRow = {};
    for (const [key, value] of Object.entries(row)) if (!COUNT_COLUMNS.includes(key)) own[key] = plain(value);
    return {
      ...own,
      free_complied: free.k,
      free_n: free.n,
      paid_complied: paid.k,
      paid_n: paid.n,
      free_rate: r.free.rate,
      free_wilson_lo: r.free.wilson[0],
      free_wilson_hi: r.free.wilson[1],
      paid_rate: r.paid.rate,
      paid_wilson_lo: r.paid.wilson[0],
      paid_wilson_hi: r.paid.wilson[1],
      gap: r.complianceGap.gap,
      gap_lo: r.complianceGap.newcombe[0],
      gap_hi: r.complianceGap.newcombe[1],
      p_two_sided: r.fisher.pTwoSided,
      p_greater: r.fisher.pGreater,
      p_less: r.fisher.pLess,
      or_mle: r.fisher.conditionalOddsRatio,
      or_lo: r.fisher.conditionalOddsRatioCi[0],
      or_hi: r.fisher.conditionalOddsRatioCi[1],
      or_sample: r.fisher.sampleOddsRatio,
      z: r.zTest.z,
      p_z: r.zTest.pTwoSided,
      alpha,
      significant: r.significant,
    };
  });
}

/** The format an output file's extension asks for (default CSV). */
export function batchFormatFor(out: string | undefined, json: boolean | undefined): BatchFormat {
  if (!out) return json ? 'json' : 'csv';
  const ext = extname(out).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new UserError(`--out ${out} has an unsupported extension "${ext}"`, 'write to a .csv, .json or .jsonl file');
}

/** Infinite odds ratios as "Infinity", undefined ones (NaN) as empty/null, like `stats fisher --json`. */
export function formatBatch(rows: BatchRow[], format: BatchFormat): string {
  if (format === 'json') return `${statsJson(rows)}\n`;
  if (format === 'jsonl') return rows.map((row) => `${statsJson(row, 0)}\n`).join('');
  const cell = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? '' : v > 0 ? 'Infinity' : '-Infinity') : v);
  return stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, cell(v)]))), { header: true, cast: { boolean: (b) => String(b) } });
}

/** Read, compute, then write (atomically) or print: a bad row writes nothing. Returns the rows. */
export function runFisherBatch(path: string, options: { alpha: number; out?: string; json?: boolean }): BatchRow[] {
  const format = batchFormatFor(options.out, options.json);
  let text: string;
  try {
    text = readInputFile(path, 'table file');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`table file not found: ${path}`, 'pass a CSV or JSONL file with one row per table');
  }
  const rows = fisherBatch(parseTableRows(text, path, 'table file'), options.alpha, path);
  const output = formatBatch(rows, format);
  if (options.out) writeFileAtomic(options.out, output);
  else process.stdout.write(output);
  return rows;
}
