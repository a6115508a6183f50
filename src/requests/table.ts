// Generic request files: CSV (with a header row) or JSONL, one request per row.
import { readInputBytes } from '../core/safeIo.js';
import type { HarmfulRequest } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { seededRandom, shuffled } from '../core/random.js';
import { parseTableRows } from '../core/tableRows.js';

export interface TableOptions {
  /** Column (CSV) or field (JSONL) with the request text. Default: `goal`, else `text`, else `prompt`. */
  column?: string;
  limit?: number;
  /** Shuffle with this seed before applying the limit; without it, file order is kept. */
  shuffleSeed?: number;
  /** Recorded as each request's source. */
  source?: string;
}

const DEFAULT_COLUMNS = ['goal', 'text', 'prompt', 'request', 'behavior'];

export function requestsFromText(text: string, path: string, options: TableOptions = {}): HarmfulRequest[] {
  const rows = parseTableRows(text, path, 'request file');
  if (rows.length === 0) throw new UserError(`request file ${path} has no rows`, 'add requests to the file');
  const column = options.column ?? DEFAULT_COLUMNS.find((c) => c in rows[0]);
  if (!column || !(column in rows[0])) {
    const available = Object.keys(rows[0]).join(', ');
    throw new UserError(`request file ${path} has no column "${options.column ?? DEFAULT_COLUMNS.join('" or "')}"`, `pass the column holding the requests (columns found: ${available})`);
  }
  const source = options.source ?? path;
  let requests = rows.map((row, i): HarmfulRequest => {
    const cell = row[column];
    // A number (a JSONL field such as 42) is text like any other; an object or a list is not.
    const value = typeof cell === 'number' ? String(cell) : cell;
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new UserError(`request file ${path} row ${i + 1} has a ${Array.isArray(value) ? 'list' : typeof value} in "${column}", not text`, 'make that field a string');
    }
    if (typeof value !== 'string' || !value.trim()) {
      throw new UserError(`request file ${path} row ${i + 1} has an empty "${column}"`, 'fill in or remove that row');
    }
    const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `${i + 1}`;
    const category = typeof row.category === 'string' ? row.category : undefined;
    return { id, text: value.trim(), source, ...(category ? { category } : {}) };
  });
  if (options.shuffleSeed !== undefined) requests = shuffled(requests, seededRandom('requests', options.shuffleSeed));
  return options.limit !== undefined ? requests.slice(0, options.limit) : requests;
}

export function loadRequestFile(path: string, options: TableOptions = {}): HarmfulRequest[] {
  const bytes = readInputBytes(path, 'request file', { fix: 'give requests.path (or --requests-path) a .csv, .tsv or .jsonl file' });
  // Spreadsheet programs often save "Unicode text" as UTF-16, which reads as garbled column names.
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes.length > 1 && bytes.subarray(0, 200).filter((b) => b === 0).length > 10);
  if (utf16) throw new UserError(`request file ${path} is UTF-16 encoded`, 'save it as UTF-8 (in Excel: "CSV UTF-8"), or convert it with iconv -f UTF-16 -t UTF-8');
  return requestsFromText(bytes.toString('utf8'), path, options);
}
