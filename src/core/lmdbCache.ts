// The response cache's storage: one LMDB file per cache folder (<cacheDir>/responses.lmdb, through
// the `lmdb` package, whose prebuilt binaries ship inside the npm package). LMDB is a memory-mapped
// B-tree with copy-on-write pages: lookups cost O(log n) page reads with no file per entry, millions
// of entries fit, and a process killed at any moment (SIGKILL included) leaves the last committed
// state intact. Writes are batched into transactions off the main thread; until one commits, the
// entry is served from memory, so an answer just received is never asked for again.
//
// Folders written by earlier af-lab versions (one JSON file per entry in <cacheDir>/<2 hex>/<key>.json)
// are migrated the first time the folder is opened: every readable entry is copied into LMDB, then
// its file is removed (an unreadable one is only a miss, so it is removed too). A migration cut short
// is finished on the next open. bench/cache.ts measures this store against the JSON files and SQLite.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { RootDatabase } from 'lmdb';

export const RESPONSES_FILE = 'responses.lmdb';

export interface StoredEntry {
  spec: string;
  purpose: string;
  createdAt: string;
  response: unknown;
  paidBy?: string;
  /** The cache instance that paid (core/cache.ts): its own call logs the payment, so reconciliation through that instance leaves it out. */
  paidIn?: string;
  /** Of a votes entry (core/cache.ts): each call that paid for some of its votes, by run folder. */
  payments?: VotePayment[];
}

/** One call's payment for votes of a request: the run folder that paid, the votes it paid for (none listed: an entry written before they were), their usage. */
export interface VotePayment {
  paidBy: string;
  /** The cache instance that paid (see StoredEntry.paidIn). */
  paidIn?: string;
  votes?: number[];
  usage: { inputTokens: number; outputTokens: number };
}

interface OpenStore {
  db: RootDatabase<StoredEntry, string>;
  /** Entries written but not yet committed (a commit happens off the main thread, shortly after). */
  pending: Map<string, StoredEntry>;
  /**
   * Commits under way, and how many failed since the last that succeeded: lmdb's `flushed` never
   * settles after a failed commit until a later commit succeeds (its promise is then the new one's).
   */
  commits: Set<Promise<unknown>>;
  failedCommits: number;
}

/** One LMDB environment per file in a process: the runner, the judges and every cache instance share it. */
const open = new Map<string, OpenStore>();

function openStore(dir: string): OpenStore {
  const path = resolve(dir, RESPONSES_FILE);
  let store = open.get(path);
  if (!store) {
    mkdirSync(dir, { recursive: true });
    refuseForeignFile(path);
    // Loaded on first use: commands that never call a model do not load the native module.
    const lmdb = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');
    // No event-turn batching: with it, lmdb leaves the promise of each batch's start unhandled when a
    // commit fails (a full disk), which ended the process with a stack trace. Writes are still batched
    // into one commit per moment (commitDelay 0), at the same speed here.
    store = { db: lmdb.open<StoredEntry, string>({ path, eventTurnBatching: false }), pending: new Map(), commits: new Set(), failedCommits: 0 };
    quietLmdbCommitErrors();
    open.set(path, store);
    migrateJsonEntries(dir, store.db);
  }
  return store;
}

/** LMDB's meta page magic (0xBEEFC0DE), little-endian at byte 24 of a data file. */
const LMDB_MAGIC = 0xbeefc0de;
const MAGIC_OFFSET = 24;

/**
 * Refuse a responses.lmdb that is not an LMDB file (a file of something else, a copy cut short): the
 * native module reads it as a memory map and crashes the process (SIGSEGV), with no line at all.
 * The cache is then not opened: the run goes on without it and counts every answer it could not keep.
 */
function refuseForeignFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return; // none yet: LMDB makes it
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const head = Buffer.alloc(MAGIC_OFFSET + 4);
    const got = readSync(fd, head, 0, head.length, 0);
    if (got < head.length || head.readUInt32LE(MAGIC_OFFSET) !== LMDB_MAGIC) throw new Error(`${path} is not an LMDB file (move it aside; af-lab writes a new one)`);
  } finally {
    closeSync(fd);
  }
}

const isEntry = (value: unknown): value is StoredEntry =>
  typeof value === 'object' && value !== null && typeof (value as StoredEntry).response === 'object' && (value as StoredEntry).response !== null;

/**
 * Copy the one-file-per-entry cache of earlier versions into LMDB and remove the files. Returns how
 * many entries were copied. Safe to repeat: an entry copied twice is written with the same value.
 */
export function migrateJsonEntries(dir: string, db: RootDatabase<StoredEntry, string> = openStore(dir).db): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^[0-9a-f]{2}$/.test(name));
  } catch {
    return 0;
  }
  let copied = 0;
  for (const name of names) {
    const folder = join(dir, name);
    let files: string[];
    try {
      files = readdirSync(folder).filter((file) => /^[0-9a-f]{64}\.json$/.test(file));
    } catch {
      continue; // a file named like a folder: not ours
    }
    const entries: Array<[string, StoredEntry]> = [];
    for (const file of files) {
      try {
        const value = JSON.parse(readFileSync(join(folder, file), 'utf8')) as unknown;
        if (isEntry(value)) entries.push([file.slice(0, -'.json'.length), value]);
      } catch {
        // Unreadable (torn by a kill under an old version): a miss either way, so it goes too.
      }
    }
    // One synchronous transaction per folder: committed before any of its files is removed.
    db.transactionSync(() => {
      for (const [key, entry] of entries) db.putSync(key, entry);
    });
    copied += entries.length;
    for (const file of files) rmSync(join(folder, file), { force: true });
    try {
      rmdirSync(folder);
    } catch {
      // Left with other files in it (temporary files, not ours): leave the folder.
    }
  }
  return copied;
}

/** Keys removed per transaction by removeWhere: a clear of millions of entries never holds one huge write transaction. */
const REMOVE_BATCH = 10_000;

export class LmdbResponseStore {
  private readonly db: RootDatabase<StoredEntry, string>;
  private readonly pending: Map<string, StoredEntry>;
  private readonly store: OpenStore;

  constructor(readonly dir: string) {
    this.store = openStore(dir);
    ({ db: this.db, pending: this.pending } = this.store);
  }

  get(key: string): StoredEntry | undefined {
    const value = this.pending.get(key) ?? this.db.get(key);
    return isEntry(value) ? value : undefined;
  }

  /** Resolves once the entry is committed (the store batches the puts of one moment into one commit); rejects when the write fails. */
  put(key: string, entry: StoredEntry): Promise<void> {
    this.pending.set(key, entry);
    return this.track(this.db.put(key, entry), [[key, entry]]);
  }

  /**
   * Write `next(current)` under `key`, `current` read inside the write transaction (LMDB has one writer
   * at a time across processes: no write of another process or cache comes between the read and the
   * write), and remove `remove` in the same transaction: all of it is committed, or none. Served from
   * memory meanwhile as `next` of what this process sees now.
   */
  update(key: string, next: (current: StoredEntry | undefined) => StoredEntry, remove: readonly string[] = []): Promise<void> {
    const seen = next(this.get(key));
    this.pending.set(key, seen);
    for (const old of remove) this.pending.delete(old);
    const written: Array<[string, StoredEntry]> = [[key, seen]];
    const committed = this.db.transaction(() => {
      const current = this.db.get(key);
      const value = next(isEntry(current) ? current : undefined);
      void this.db.put(key, value);
      for (const old of remove) void this.db.remove(old);
    });
    return this.track(committed, written);
  }

  /** A write's promise: its pending entries dropped once it settles, counted while under way, and a failure as one line (commitFailure). */
  private track(committed: Promise<unknown>, written: ReadonlyArray<[string, StoredEntry]>): Promise<void> {
    const settle = () => {
      for (const [key, entry] of written) if (this.pending.get(key) === entry) this.pending.delete(key);
    };
    committed.then(settle, settle);
    const { commits } = this.store;
    commits.add(committed);
    committed.then(
      () => {
        commits.delete(committed);
        this.store.failedCommits = 0;
      },
      () => {
        commits.delete(committed);
        this.store.failedCommits++;
      },
    );
    return committed.then(
      () => undefined,
      async (err: unknown) => {
        throw await commitFailure(resolve(this.dir, RESPONSES_FILE), err);
      },
    );
  }

  /** Commits that failed since the last that succeeded (a full disk); 0 once one succeeds again. */
  get failedCommits(): number {
    return this.store.failedCommits;
  }

  /**
   * Remove the committed entries `doomed` chooses, `batch` keys to a transaction: each transaction
   * reads and decides again inside itself (an entry a run rewrote since it was listed is judged as it
   * is now), and commits all its removals or none. Returns how many were removed and how many kept.
   */
  async removeWhere(doomed: (entry: StoredEntry | undefined) => boolean, batch = REMOVE_BATCH): Promise<{ removed: number; kept: number }> {
    let removed = 0;
    let kept = 0;
    let keys: string[] = [];
    const commit = async () => {
      const chosen = keys;
      keys = [];
      let gone = 0;
      let left = 0;
      await this.track(
        this.db.transaction(() => {
          // Counted again if lmdb runs the callback again: only its last run is committed.
          gone = left = 0;
          for (const key of chosen) {
            const value = this.db.get(key);
            if (value === undefined) continue; // removed meanwhile (another clear)
            if (!doomed(isEntry(value) ? value : undefined)) {
              left++;
              continue;
            }
            void this.db.remove(key);
            gone++;
          }
        }),
        [],
      );
      for (const key of chosen) this.pending.delete(key);
      removed += gone;
      kept += left;
    };
    // Under one read snapshot: without it the iteration skips keys once a batch's removals are committed under it.
    for (const { key } of this.db.getRange()) {
      keys.push(key);
      if (keys.length >= batch) await commit();
    }
    if (keys.length) await commit();
    return { removed, kept };
  }

  /** Every committed entry, one at a time (keys and values read from the memory map as iterated). */
  *entries(): Generator<{ key: string; entry: StoredEntry }> {
    for (const { key, value } of this.db.getRange()) if (isEntry(value)) yield { key, entry: value };
  }

  /**
   * Resolves when every write made so far is committed and flushed to disk; after a failed commit (a
   * full disk), once every write made so far has settled, since lmdb's own `flushed` then never does.
   */
  async flushed(): Promise<void> {
    await Promise.allSettled([...this.store.commits]);
    if (this.store.failedCommits === 0) await this.db.flushed;
  }

  /** Entries in the store (committed). */
  count(): number {
    return (this.db.getStats() as { entryCount: number }).entryCount;
  }
}

/**
 * A failed commit as one line naming the file and the cause. lmdb's own error says only "Commit failed
 * (see commitError for details)" and carries the cause as a second, rejected promise, which crashed the
 * process when left unhandled (a full disk: ENOSPC, or EIO on tmpfs). The committed entries are intact
 * (LMDB's copy-on-write pages): only the answers of the failed commit are not cached.
 */
export async function commitFailure(path: string, err: unknown): Promise<Error> {
  const detail = (err as { commitError?: unknown } | undefined)?.commitError;
  const cause = detail instanceof Promise ? await detail.then(() => err, (inner: unknown) => inner) : (detail ?? err);
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | undefined)?.code;
  const full = /no space|ENOSPC|Input\/output error|EIO/i.test(message) || code === 28 || code === 5 || code === 'ENOSPC';
  return Object.assign(new Error(`cannot write ${path}: ${full ? 'the disk is full (no space left for the cache)' : message}`), { cause });
}

/**
 * lmdb prints a failed commit's cause with its stack (console.error) before rejecting the writes with
 * it; put() reports it as one line (commitFailure), so that print is dropped. Only an Error raised in
 * lmdb's write.js is: every other line is printed as before.
 */
function quietLmdbCommitErrors(): void {
  if (quieted) return;
  quieted = true;
  const print = console.error;
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && args[0] instanceof Error && /[\\/]lmdb[\\/]write\.js:/.test(args[0].stack ?? '')) return;
    print(...args);
  };
}
let quieted = false;

/** Close every open store (tests that remove their cache folder; normal runs just exit). */
export async function closeResponseStores(): Promise<void> {
  const stores = [...open.values()];
  open.clear();
  // After a failed commit lmdb's close waits for a flush that never comes: it is started, not awaited.
  await Promise.all(stores.map(async ({ db, commits, failedCommits }) => {
    await Promise.allSettled([...commits]);
    const closed = db.close();
    if (failedCommits === 0) await closed;
    else void Promise.resolve(closed).catch(() => undefined);
  }));
}
