// File writes that a crash cannot tear: whole files go through a temporary file and a rename;
// JSONL records are appended one line per write, and a torn last line is dropped on read.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let tmpCounter = 0;

/**
 * Write a whole file so that readers see the old content or the new, never a mix.
 * `durable` also flushes it to disk (survives power loss, not only a killed process);
 * `ensureDir: false` skips creating the folder, for callers that know it exists.
 */
export function writeFileAtomic(path: string, data: string | Buffer, { durable = true, ensureDir = true } = {}): void {
  if (ensureDir) mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Replace a folder's files all at once: `files` (name to content) are written into a new folder
 * beside it, which then takes its place by two renames. Nothing is half-written: a failure before
 * the swap leaves the old folder as it was, and the only in-between state is, for an instant, no
 * folder at all.
 */
export function replaceFolderAtomic(path: string, files: Record<string, string>): void {
  const staging = `${path}.${process.pid}.${tmpCounter++}.new`;
  const old = `${path}.${process.pid}.${tmpCounter++}.old`;
  mkdirSync(staging, { recursive: true });
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
    const hadOld = existsSync(path);
    if (hadOld) renameSync(path, old);
    try {
      renameSync(staging, path);
    } catch (err) {
      if (hadOld) renameSync(old, path);
      throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** Append one JSON value as one line, in a single write so no other line can interleave with it. */
export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, `${JSON.stringify(value)}\n`);
}

/**
 * Read a JSONL file. A last line without its newline (a write cut short by a kill) is dropped and,
 * with `repair`, cut off the file so later appends start on a clean line.
 */
export function readJsonLines<T>(path: string, { repair = false } = {}): T[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (repair && end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  return text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
