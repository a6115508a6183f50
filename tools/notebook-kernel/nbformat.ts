// Reading and writing .ipynb files (nbformat 4) the way Jupyter writes them (one-space indent, sorted
// keys, multi-line strings as lists of lines), so a notebook executed here diffs cleanly against one
// saved by JupyterLab or nbconvert.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../src/core/files.js';

export type MultilineString = string | string[];
export type MimeBundle = Record<string, unknown>;

export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface CodeCell {
  cell_type: 'code';
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  outputs: NotebookOutput[];
  execution_count: number | null;
}

export interface TextCell {
  cell_type: 'markdown' | 'raw';
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}

export type NotebookCell = CodeCell | TextCell;

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: 4;
  nbformat_minor: number;
}

export function joinLines(text: MultilineString): string {
  return Array.isArray(text) ? text.join('') : text;
}

/** Split into lines that keep their newline, as nbformat stores multi-line strings. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function readNotebook(path: string): Notebook {
  const notebook = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  if (notebook.nbformat !== 4 || !Array.isArray(notebook.cells)) throw new Error(`${path} is not an nbformat 4 notebook`);
  return notebook;
}

// Mime types whose payload nbformat keeps as one string (base64 images) or as a JSON value.
function isSplittableMime(mime: string): boolean {
  if (mime === 'image/svg+xml') return true;
  if (mime.startsWith('image/') || mime === 'application/pdf') return false;
  return !/(^application\/(.+\+)?json$)/.test(mime);
}

function splitBundle(data: MimeBundle): MimeBundle {
  return Object.fromEntries(
    Object.entries(data).map(([mime, value]) => [mime, typeof value === 'string' && isSplittableMime(mime) ? splitLines(value) : value]),
  );
}

function forStorage(notebook: Notebook): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell) => {
      const source = splitLines(joinLines(cell.source));
      if (cell.cell_type !== 'code') return { ...cell, source };
      const outputs = cell.outputs.map((output): NotebookOutput => {
        if (output.output_type === 'stream') return { ...output, text: splitLines(joinLines(output.text)) };
        if (output.output_type === 'error') return output;
        return { ...output, data: splitBundle(output.data) };
      });
      return { ...cell, source, outputs };
    }),
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(sortKeys(forStorage(notebook)), null, 1)}\n`;
}

export function writeNotebook(path: string, notebook: Notebook): void {
  writeFileAtomic(path, serializeNotebook(notebook));
}
