// Guards on what af-lab reads and writes, for paths a user gives: a write never replaces what is not
// a regular file (a device such as /dev/null, a folder, a socket), an input file is a regular file
// read with a size limit (never /proc/self/environ or /dev/zero), and a disk too full for the next
// paid answer is found before paying for it.
import { closeSync, fstatSync, lstatSync, openSync, readSync, statfsSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';

/** What a non-regular file is, in words. */
function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** True for a path under /proc or /sys, whose files claim to be regular and are not. */
function onPseudoFileSystem(path: string): boolean {
  return /^\/(proc|sys)(\/|$)/.test(resolve(path));
}

/**
 * Refuse, in one line, a file target that exists and is not a regular file (a device, a folder, a
 * pipe, anything under /proc or /sys): a write goes through a temporary file and a rename, which would
 * replace it. A symbolic link is judged by what it points to (the rename replaces the link, not that).
 */
export function checkFileTarget(path: string, what: string): void {
  const fix = `give ${what} the path of a regular file (or of one not yet written)`;
  if (onPseudoFileSystem(path)) throw new UserError(`${what} ${path} is on a kernel file system (/proc or /sys), not a regular file`, fix);
  let stat: Stats | undefined;
  try {
    stat = statSync(path, { throwIfNoEntry: false }) ?? lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return; // ENOTDIR, EACCES further up: the folder check or the write names it
  }
  if (stat && !stat.isFile()) throw new UserError(`${what} ${path} is ${kindOf(stat)}, not a regular file: it would be replaced`, fix);
}

/** Refuse a folder target that exists and is not a folder, or lies on /proc or /sys. */
export function checkFolderTarget(path: string, what: string): void {
  const fix = `give ${what} a folder you can write to`;
  if (onPseudoFileSystem(path)) throw new UserError(`${what} ${path} is on a kernel file system (/proc or /sys), not a folder files can be written in`, fix);
  let stat: Stats | undefined;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch {
    return;
  }
  if (stat && !stat.isDirectory()) throw new UserError(`${what} ${path} is ${kindOf(stat)}, not a folder`, fix);
}

/** Input files larger than this are refused (prompts, templates, configs: a few hundred KB at most). */
export const INPUT_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Read a file a user named (a prompt, template, config or request file): it must be a regular file
 * of at most `limit` bytes, and no more than that is ever read (a file that grows meanwhile, or a
 * device that never ends, is refused, not read forever). One UserError line otherwise.
 */
export function readInputFile(path: string, what: string, options: { limit?: number; fix?: string } = {}): string {
  return readInputBytes(path, what, options).toString('utf8');
}

/** readInputFile's bytes, undecoded (to tell a UTF-16 file, or hash the exact bytes). */
export function readInputBytes(path: string, what: string, { limit = INPUT_LIMIT_BYTES, fix }: { limit?: number; fix?: string } = {}): Buffer {
  const give = fix ?? `give ${what} the path of a regular file`;
  if (onPseudoFileSystem(path)) throw new UserError(`${what} ${path} is on a kernel file system (/proc or /sys), not a regular file`, give);
  let fd: number;
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new UserError(`${what} not found: ${path}`, give);
    if (!stat.isFile()) throw new UserError(`${what} ${path} is ${kindOf(stat)}, not a regular file`, give);
    // Non-blocking: a FIFO swapped in after the check must not block the open.
    fd = openSync(path, 'r');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, give);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UserError(`${what} ${path} is ${kindOf(stat)}, not a regular file`, give);
    if (stat.size > limit) throw new UserError(`${what} ${path} is ${stat.size} bytes, over the limit of ${limit}`, `give a smaller file`);
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, limit) + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buffer, got, buffer.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > limit) throw new UserError(`${what} ${path} is over the limit of ${limit} bytes`, 'give a smaller file');
      if (got === buffer.length) break; // the file grew after fstat: what it was is read, no more
    }
    return buffer.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Free bytes (for an unprivileged writer) on the disk holding `path` or its nearest existing parent; Infinity when unknown. */
export function freeBytes(path: string): number {
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      const s = statfsSync(current);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      if (dirname(current) === current) return Number.POSITIVE_INFINITY;
    }
  }
}

/** Space kept free for every answer still to be paid for: its record, its ledger line and its cache entry. */
export const BYTES_PER_PAID_CALL = 256 * 1024;

/**
 * Whether there is room on the disks of the run folder and the cache for one more paid answer:
 * undefined if so, else one line saying which disk is short. Checked before every paid call, so a
 * run stops cleanly before a full disk tears a file or loses an answer it paid for.
 */
export function diskShortBeforePaying(folders: ReadonlyArray<{ path: string; what: string }>, margin = BYTES_PER_PAID_CALL): string | undefined {
  for (const { path, what } of folders) {
    const free = freeBytes(path);
    if (free < margin) return `${what} ${path} has ${free} bytes free, under the ${margin} bytes kept for each paid answer`;
  }
  return undefined;
}
