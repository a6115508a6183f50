// Rows of a CSV/TSV (header row) or JSONL file as plain objects: request files, batches of tables
// for `af-lab stats fisher --tables`. Each caller validates the fields it reads.
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from './errors.js';

export type TableRow = Record<string, unknown>;

/** `what` names the file in error messages, e.g. "request file". */
export function parseTableRows(text: string, path: string, what = 'file'): TableRow[] {
  const format = extname(path).toLowerCase();
  if (format === '.jsonl' || format === '.ndjson') {
    return text.split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        const value = JSON.parse(line) as unknown;
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        return [value as TableRow];
      } catch (err) {
        throw new UserError(`${path} line ${i + 1} is not a JSON object (${(err as Error).message})`, 'make every line of the JSONL file one JSON object');
      }
    });
  }
  if (format === '.csv' || format === '.tsv') {
    try {
      return parse(text, { columns: true, skip_empty_lines: true, bom: true, delimiter: format === '.tsv' ? '\t' : ',' }) as TableRow[];
    } catch (err) {
      throw new UserError(`${path} is not a well-formed CSV file (${(err as Error).message})`, 'fix the file, or export it again with a header row');
    }
  }
  throw new UserError(`${what} ${path} has an unsupported extension "${format}"`, 'use a .csv, .tsv or .jsonl file');
}
