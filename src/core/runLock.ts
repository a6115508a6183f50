// One writer per run folder. Two processes sampling one run name at once would append every record
// twice and pay for every call twice, so a writer first creates <runDir>/.lock exclusively (O_EXCL)
// with its pid, host and start time. A lock whose process is gone (same host, pid not running) is
// stale and taken over; any other is refused with one line naming the process that holds it.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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
  // An unreadable lock younger than this may be one another process is still writing.
  return stat !== undefined && Date.now() - stat.mtimeMs > 10_000;
}

/**
 * Take the run folder's lock (the folder must exist) or throw a UserError naming its holder.
 * Returns the release function; call it when done writing.
 */
export function acquireRunLock(runDir: string): () => void {
  const path = join(runDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const info = readLock(path);
      if (attempt === 0 && isStale(path, info)) {
        rmSync(path, { force: true });
        continue;
      }
      const who = info ? `af-lab process ${info.pid} on ${info.host} (started ${info.startedAt})` : 'another af-lab process';
      throw new UserError(`run folder ${runDir} is in use by ${who}`, `wait for it to finish or use another --name; if that process is gone, delete ${path}`);
    }
    const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    try {
      writeSync(fd, `${JSON.stringify(info)}\n`);
    } finally {
      closeSync(fd);
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
