// File writes that a crash cannot tear: whole files go through a temporary file and a rename;
// JSONL records are appended one line per write, and a torn last line is dropped on read.
import { accessSync, ftruncateSync, fstatSync, mkdtempSync, readdirSync, rmdirSync, rmSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from './errors.js';
import { checkFileTarget } from './safeIo.js';
import { parseLine, type LineCheck } from './lineCheck.js';

let tmpCounter = 0;

/**
 * Write a whole file so that readers see the old content or the new, never a mix.
 * `durable` also flushes it to disk (survives power loss, not only a killed process);
 * `ensureDir: false` skips creating the folder, for callers that know it exists.
 */
export function writeFileAtomic(path: string, data: string | Buffer | Iterable<string>, { durable = true, ensureDir = true } = {}): void {
  // The rename would replace whatever is there: a device (/dev/null as root), a pipe, a /proc file.
  checkFileTarget(path, 'the file');
  if (ensureDir) mkdirSync(dirname(path), { recursive: true });
  // The first write into a folder clears what a killed writer left there (a kill -9 mid-write).
  tidyFolder(dirname(path));
  const tmp = tmpPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      // Pieces (a large file made as it is written) go one at a time: the whole text is never held.
      if (typeof data === 'string' || Buffer.isBuffer(data)) writeFileSync(fd, data);
      else for (const piece of data) writeFileSync(fd, piece);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    // Nothing is left behind (a full disk leaves no `<name>.af-lab-<pid>-<n>.tmp`), and the error names the
    // file being written, not its temporary copy.
    rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    if (typeof e.path === 'string' && e.path === tmp) e.path = path;
    throw err;
  }
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

/** Files held open for appending (holdOpenForAppend), by path: one open per run instead of one per line. */
const heldOpen = new Map<string, { fd: number; holders: number }>();

/**
 * Append one JSON value as one line, in a single write so no other line can interleave with it
 * (each line is on disk, for any later reader or a killed process, when this returns). Returns the
 * bytes written.
 */
export function appendJsonLine(path: string, value: unknown): number {
  const line = Buffer.from(`${JSON.stringify(value)}\n`);
  const held = heldOpen.get(path);
  if (held) appendWhole(held.fd, line, path);
  else {
    let fd: number;
    try {
      fd = openSync(path, 'a');
    } catch (err) {
      throw withPath(err, path);
    }
    try {
      appendWhole(fd, line, path);
    } finally {
      closeSync(fd);
    }
  }
  return line.length;
}

/**
 * Append all of `data` or nothing: a short write (a disk filling up) is cut back off the file, so no
 * torn line is ever left for the next writer to append after. The error names the file.
 */
export function appendWhole(fd: number, data: Buffer, path: string): void {
  let written = 0;
  try {
    while (written < data.length) {
      const n = writeSync(fd, data, written, data.length - written);
      if (n <= 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', syscall: 'write' });
      written += n;
    }
  } catch (err) {
    if (written > 0) {
      try {
        // The writer appends alone (its run's lock): the file's end less what this write added.
        ftruncateSync(fd, fstatSync(fd).size - written);
      } catch {
        // Cut off on the next start instead (dropTornTail).
      }
    }
    throw withPath(err, path);
  }
}

/** A file-system error with the path it concerns (writeSync on a descriptor names none), for its one line. */
function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.code && !e.path) {
    e.path = path;
    e.syscall ??= 'write';
  }
  return err;
}

/**
 * Cut a last line without its newline (a write torn by a kill or a full disk) off a JSONL file, so
 * the lines appended next start on a line of their own. Reads only the file's tail.
 */
export function dropTornTail(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - chunk.length);
      const got = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, got).lastIndexOf(10);
      if (end === size && nl === got - 1) return; // ends on a newline: whole
      if (nl !== -1) {
        ftruncateSync(fd, start + nl + 1);
        return;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Keep these files open for appending until the returned function is called: a run appending
 * hundreds of thousands of lines to its own files (under its lock, so no one replaces them meanwhile)
 * then makes one write per line instead of an open, a write and a close.
 */
export function holdOpenForAppend(paths: readonly string[]): () => void {
  const mine: string[] = [];
  try {
    for (const path of paths) {
      const held = heldOpen.get(path);
      if (held) held.holders++;
      else heldOpen.set(path, { fd: openSync(path, 'a'), holders: 1 });
      mine.push(path);
    }
  } catch (err) {
    releaseHeld(mine);
    throw err;
  }
  let released = false;
  return () => {
    if (!released) releaseHeld(mine);
    released = true;
  };
}

function releaseHeld(paths: readonly string[]): void {
  for (const path of paths) {
    const held = heldOpen.get(path)!;
    if (--held.holders > 0) continue;
    heldOpen.delete(path);
    closeSync(held.fd);
  }
}

/**
 * Read a JSONL file. A last line without its newline (a write cut short by a kill) is dropped and,
 * with `repair`, cut off the file so later appends start on a clean line.
 */
export function readJsonLines<T>(path: string, options: { repair?: boolean; check?: LineCheck } = {}): T[] {
  const values: T[] = [];
  for (const { value } of jsonLines<T>(path, options)) values.push(value);
  return values;
}

const READ_CHUNK = 1 << 20;

/**
 * readJsonLines one line at a time, for files too big to hold: every value with its line number and
 * the byte offset where its line starts. The file is read in 1 MB pieces; only the lines of one piece
 * are kept. The same rules: a torn last line is dropped (cut off with `repair`, once the whole file is
 * read), a bad line is one UserError naming the file and line.
 */
export function* jsonLines<T>(path: string, { repair = false, check }: { repair?: boolean; check?: LineCheck } = {}): Generator<{ value: T; line: number; offset: number }> {
  for (const { text, line, offset } of textLines(path, { repair })) yield { value: parseLine(path, line, text, check) as T, line, offset };
}

/** A new buffer of `length` bytes that starts with the first `used` bytes of `buffer` (a reader's buffer outgrown by a long line). */
function grown(buffer: Buffer, used: number, length: number) {
  const larger = Buffer.allocUnsafe(length);
  buffer.copy(larger, 0, 0, used);
  return larger;
}

/**
 * The non-blank whole lines of a file as text, with their line numbers and byte offsets, read in 1 MB
 * pieces (what jsonLines parses). A torn last line is not given; `repair` cuts it off the file once
 * the whole file is read. For passes that need only part of each line (a record's key).
 */
export function* textLines(path: string, { repair = false } = {}): Generator<{ text: string; line: number; offset: number }> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    // No file (or a file where a folder of its path should be): nothing to read, as for readFileSync after existsSync.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw err;
  }
  // A folder in the file's place opens on Linux and fails on the first read, naming no path.
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new UserError(`${path} is a folder, not a file`, `move it out of the way (af-lab writes ${path} itself)`);
  }
  let lineNo = 0;
  let complete = 0; // bytes up to the end of the last whole line
  try {
    // One buffer for the whole file: the part of a line left at the end of a piece is moved to the
    // front and the next piece read after it (a buffer made per piece is a megabyte of memory outside
    // the heap per piece, freed only when the collector gets to it). A line longer than the buffer
    // doubles it.
    let buffer = Buffer.allocUnsafe(READ_CHUNK);
    let carried = 0;
    for (;;) {
      if (buffer.length - carried < READ_CHUNK / 2) buffer = grown(buffer, carried, buffer.length * 2);
      const got = readSync(fd, buffer, carried, buffer.length - carried, null);
      if (got === 0) break;
      const data = buffer.subarray(0, carried + got);
      const base = complete; // file offset of data[0]
      let start = 0;
      // Each line is decoded when it is asked for (`data` is not read into until the piece is done):
      // only the line in hand is alive, so a piece's lines do not outlive young-generation collections
      // and fill the old one as garbage.
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        lineNo++;
        const offset = base + start;
        const text = data.toString('utf8', start, nl);
        start = nl + 1;
        complete = base + start;
        if (text.trim() !== '') yield { text, line: lineNo, offset };
      }
      // The rest of the piece (a line not yet whole) moves to the front; the next piece is read after it.
      carried = data.copy(buffer, 0, start);
    }
  } finally {
    closeSync(fd);
  }
  if (repair && statSync(path).size > complete) truncateSync(path, complete);
}

/** Where lineAt reads: one buffer for every call (a line longer than it is read into a larger one, dropped after). */
const lineBuffer = Buffer.allocUnsafe(4096);

/** The line of an open file that starts at `offset` (without its newline): a line found earlier by textLines or jsonLines. */
export function lineAt(fd: number, offset: number): string {
  // One shared buffer rather than a new one per call: a pass over a million judgements would
  // otherwise leave a million dead 4 KB buffers to the collector, and the C heap grows with them.
  let buffer = lineBuffer;
  let filled = 0;
  for (;;) {
    const got = readSync(fd, buffer, filled, buffer.length - filled, offset + filled);
    const nl = buffer.subarray(filled, filled + got).indexOf(10);
    if (nl !== -1 || got === 0) return buffer.toString('utf8', 0, nl === -1 ? filled + got : filled + nl);
    filled += got;
    if (filled === buffer.length) buffer = grown(buffer, filled, buffer.length * 4);
  }
}

/**
 * Check, leaving nothing behind, that a folder can be written (or created): the nearest part of the
 * path that exists must be a folder this process can create files in. Called for every output folder
 * before anything is paid for, so a bad `--out` fails first and in one line.
 */
export function checkWritableDir(dir: string, what: string): void {
  const fix = `give ${what} a folder you can write to`;
  for (let current = resolve(dir); ; current = dirname(current)) {
    let stat;
    try {
      stat = statSync(current, { throwIfNoEntry: false });
    } catch {
      stat = undefined; // ENOTDIR: a file further up; found when the loop reaches it
    }
    if (stat) {
      if (!stat.isDirectory()) throw new UserError(`${what} ${dir} cannot be used: ${current} is a file, not a folder`, fix);
      try {
        accessSync(current, constants.W_OK);
        // A folder made and removed at once: access() says yes to root everywhere, and on /proc-like
        // file systems a recursive mkdir never returns, so only a real creation tells.
        rmdirSync(mkdtempSync(join(current, '.af-lab-write-check-')));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UserError(`${what} ${dir} cannot be written: ${current} is ${code === 'EROFS' ? 'on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'not writable' : `not a folder files can be created in (${code})`}`, fix);
      }
      return;
    }
    if (dirname(current) === current) return;
  }
}

/**
 * The temporary file writeFileAtomic writes before its rename: `<name>.af-lab-<pid>-<n>.tmp`, a name no
 * one else's file has, so a later af-lab can remove it from any folder once its process is gone.
 */
function tmpPathFor(path: string): string {
  return `${path}.af-lab-${process.pid}-${tmpCounter++}.tmp`;
}

/** writeFileAtomic's temporary files, with the pid that wrote them. */
const TMP_FILE = /\.af-lab-(\d+)-\d+\.tmp$/;
/** Older af-lab's temporary names (`<name>.<pid>.<n>.tmp`, still the run lock's and compaction's): removed in run folders only. */
const RUN_FOLDER_TMP_FILE = /\.(\d+)\.\d+\.tmp$/;

/** Folders whose stale temporary files this process has already removed (once per folder). */
const tidiedFolders = new Set<string>();

/**
 * Remove, once per process, writeFileAtomic's temporary files that a killed writer left in `dir`
 * (removeStaleTmpFiles, af-lab's own names only). Done by the first write into a folder, and by
 * writers that may find their outputs current and write nothing (the figures).
 */
export function tidyFolder(dir: string): void {
  const folder = resolve(dir);
  if (tidiedFolders.has(folder)) return;
  tidiedFolders.add(folder);
  removeStaleTmpFiles(folder, { ownFolder: false });
}

/**
 * Remove the temporary files of writeFileAtomic left in `dir` by a process that was killed before its
 * rename: only those whose process no longer runs. In a run folder (`ownFolder`, the default) also the
 * older `<name>.<pid>.<n>.tmp` names; in any other folder (a figures folder, a report's, a user's
 * --out folder) only af-lab's own `.af-lab-<pid>-<n>.tmp`, never a file of the user's.
 */
export function removeStaleTmpFiles(dir: string, { ownFolder = true }: { ownFolder?: boolean } = {}): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = (TMP_FILE.exec(name) ?? (ownFolder ? RUN_FOLDER_TMP_FILE.exec(name) : null))?.[1];
    if (pid === undefined || Number(pid) === process.pid || processRuns(Number(pid))) continue;
    try {
      rmSync(join(dir, name), { force: true });
    } catch {
      // A folder of that name, or one not ours to remove: left as it is; the write goes on.
    }
  }
}

/** Whether a process with this pid runs on this machine. */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
