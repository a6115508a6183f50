// Errors a user can fix: one line naming the problem, one naming the fix. The CLI prints them
// without a stack trace and exits non-zero; anything else is a bug and keeps its stack.
import { inspect } from 'node:util';

export class UserError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** The one line the CLI prints. */
  describe(): string {
    return `error: ${this.message}. Fix: ${this.fix}.`;
  }

  /**
   * Printed (console.error, a notebook kernel reporting a failed cell) as the same one line: the
   * stack of a bad input points into af-lab, not at what to change.
   */
  [inspect.custom](): string {
    return this.describe();
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'a file is in the way of a folder',
  ENOENT: 'no such file or folder',
  EMFILE: 'too many open files',
};

/**
 * A file-system error (permission, read-only, disk full, a file where a folder should be) as one
 * UserError naming the path; undefined for anything else (a bug keeps its stack).
 */
export function fileSystemUserError(err: unknown): UserError | undefined {
  const { code, path, syscall } = (err ?? {}) as NodeJS.ErrnoException;
  if (!code || !(code in FS_PROBLEMS) || !path) return undefined;
  const fix = code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space and run the same command again (finished work is kept)' : 'choose a path you can write to (e.g. another --out), or fix its permissions';
  return new UserError(`cannot ${syscall ?? 'write'} ${path}: ${FS_PROBLEMS[code]}`, fix);
}
