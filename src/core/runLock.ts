// One writer per run folder. Two processes sampling one run name at once would append every record
// twice and pay for every call twice, so a writer first creates <runDir>/.lock exclusively (O_EXCL)
// with its pid, host and start time. A lock whose process is gone (same host, pid not running) is
// stale and taken over; any other is refused with one line naming the process that holds it.
import { existsSync, linkSync, lstatSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from './errors.js';
import { processRuns } from './files.js';

export const LOCK_FILE = '.lock';

const lockSchema = z.object({ pid: z.number().int(), host: z.string(), startedAt: z.string() });
type LockInfo = z.infer<typeof lockSchema>;

/** Lock files this process holds: removed on a normal exit even if a caller forgot to release. */
const held = new Set<string>();
let exitHookInstalled = false;

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = lockSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A lock left by a process that no longer runs, or a lock file left empty by a crash long ago. */
function isStale(path: string, info: LockInfo | undefined): boolean {
  // Our own pid on a lock this process does not hold: a killed earlier process whose pid was reused.
  if (info) return info.host === hostname() && (info.pid === process.pid ? !held.has(path) : !processRuns(info.pid));
  const stat = statSync(path, { throwIfNoEntry: false });
  // An empty lock is a crash's (locks are written whole, then linked into place); an unreadable one
  // younger than this may be one an older af-lab, which wrote it in place, is still writing.
  return stat !== undefined && (stat.size === 0 || Date.now() - stat.mtimeMs > 10_000);
}

/**
 * Take the run folder's lock (the folder must exist) or throw a UserError naming its holder.
 * Returns the release function; call it when done writing.
 */
/** A `.lock` that is not a file (a folder, a device) is not af-lab's: one line saying so, never "in use". */
function refuseForeignLock(runDir: string, path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new UserError(`${path} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}, not af-lab's lock file`, `remove it (rm -r ${path}) and run the command again; af-lab writes ${LOCK_FILE} itself`);
}

/** The error for a run folder whose lock another live process holds. */
function inUse(runDir: string, path: string, info: LockInfo | undefined): UserError {
  const who = info ? `af-lab process ${info.pid} on ${info.host} (started ${info.startedAt})` : 'another af-lab process';
  return new UserError(`run folder ${runDir} is in use by ${who}`, `wait for it to finish or use another --name; if that process is gone, delete ${path}`);
}

/**
 * Throw the lock's one line when another live process holds the run folder, without taking it: for
 * a re-run answered from saved outputs, which writes nothing but must not read a folder mid-write.
 */
export function refuseIfLocked(runDir: string): void {
  const path = join(runDir, LOCK_FILE);
  refuseForeignLock(runDir, path);
  if (!existsSync(path)) return;
  const info = readLock(path);
  if (!isStale(path, info) && !held.has(path)) throw inUse(runDir, path, info);
}

export function acquireRunLock(runDir: string): () => void {
  const path = join(runDir, LOCK_FILE);
  refuseForeignLock(runDir, path);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    // Written whole beside it, then linked into place (link() fails if the lock exists, like O_EXCL):
    // a process killed at any moment leaves either no lock or a complete one, never an empty one.
    // Named like writeFileAtomic's temporary files: one left by a kill is removed by the next writer.
    const tmp = `${path}.${process.pid}.0.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(info)}\n`);
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const current = readLock(path);
      if (attempt === 0 && isStale(path, current)) {
        rmSync(path, { force: true });
        continue;
      }
      throw inUse(runDir, path, current);
    } finally {
      rmSync(tmp, { force: true });
    }
    held.add(path);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const lock of held) rmSync(lock, { force: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.delete(path);
      // Only our own lock is removed (a stale-lock takeover elsewhere would have replaced it).
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    };
  }
}
