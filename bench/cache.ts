// Response-cache storage benchmark (npm run bench:cache): the stores considered for millions of
// entries, each written with N entries of a realistic size and then read back cold (a new process
// state: the store is reopened) with 10,000 random lookups.
//   files : one JSON file per entry in <dir>/<2 hex>/<key>.json (af-lab before LMDB)
//   jsonl : one append-only JSONL log with an in-memory index built at open (no dependency)
//   lmdb  : the `lmdb` package (af-lab's store, src/core/lmdbCache.ts)
// SQLite is not measured: Node 20 has no built-in sqlite, and better-sqlite3 needs its prebuilt
// binary downloaded from GitHub or a compiler toolchain, which these machines do not allow.
// Flags: --sizes 10000,100000 (default), --stores lmdb,jsonl (default all three), --json.
// rssMB is the process's resident memory after the reads; for LMDB it counts the file's mapped pages.
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, readdirSync, existsSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { sha256 } from '../src/core/hash.js';
import { writeFileAtomic } from '../src/core/files.js';
import { closeResponseStores, LmdbResponseStore, type StoredEntry } from '../src/core/lmdbCache.js';

const argv = process.argv.slice(2);
const sizesAt = argv.indexOf('--sizes');
const sizes = sizesAt >= 0 ? argv[sizesAt + 1].split(',').map(Number) : [10_000, 100_000];
const json = argv.includes('--json');
const storesAt = argv.indexOf('--stores');
const only = storesAt >= 0 ? argv[storesAt + 1].split(',') : undefined;
const LOOKUPS = 10_000;

function entry(i: number): StoredEntry {
  // About 1.5 KB: a scratchpad and an answer, as a CoT sample's response is.
  const text = `<SCRATCHPAD_REASONING>${'reasoning about the request '.repeat(40)}${i}</SCRATCHPAD_REASONING><OUTPUT>${'answer '.repeat(20)}</OUTPUT>`;
  return { spec: 'sim/faker', purpose: 'sample', createdAt: new Date(0).toISOString(), response: { text, usage: { inputTokens: 900, outputTokens: 400 }, finishReason: 'stop', prefillApplied: false } };
}
const keyOf = (i: number) => sha256(`key ${i}`);

interface Store {
  put(key: string, value: StoredEntry): void;
  get(key: string): StoredEntry | undefined;
  flush(): Promise<void>;
  close(): Promise<void>;
}

function filesStore(dir: string): Store {
  const made = new Set<string>();
  const path = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    put(key, value) {
      const folder = join(dir, key.slice(0, 2));
      writeFileAtomic(path(key), JSON.stringify(value), { durable: false, ensureDir: !made.has(folder) });
      made.add(folder);
    },
    get(key) {
      const p = path(key);
      if (!existsSync(p)) return undefined;
      return JSON.parse(readFileSync(p, 'utf8')) as StoredEntry;
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

function jsonlStore(dir: string): Store {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cache.jsonl');
  const index = new Map<string, [number, number]>();
  let size = 0;
  if (existsSync(file)) {
    const text = readFileSync(file);
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== 10) continue;
      const line = text.subarray(start, i).toString('utf8');
      const tab = line.indexOf('\t');
      index.set(line.slice(0, tab), [start + Buffer.byteLength(line.slice(0, tab + 1)), i]);
      start = i + 1;
    }
    size = text.length;
  }
  const fd = openSync(file, 'a+');
  return {
    put(key, value) {
      const line = `${key}\t${JSON.stringify(value)}\n`;
      appendFileSync(fd, line);
      const bytes = Buffer.byteLength(line);
      index.set(key, [size + key.length + 1, size + bytes - 1]);
      size += bytes;
    },
    get(key) {
      const at = index.get(key);
      if (!at) return undefined;
      const buf = Buffer.alloc(at[1] - at[0]);
      readSync(fd, buf, 0, buf.length, at[0]);
      return JSON.parse(buf.toString('utf8')) as StoredEntry;
    },
    flush: async () => undefined,
    close: async () => closeSync(fd),
  };
}

function lmdbStore(dir: string): Store {
  const store = new LmdbResponseStore(dir);
  return {
    put: (key, value) => store.put(key, value),
    get: (key) => store.get(key),
    flush: () => store.flushed(),
    close: () => closeResponseStores(),
  };
}

function diskBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), stat.blocks * 512);
}

const STORES: Record<string, (dir: string) => Store> = { files: filesStore, jsonl: jsonlStore, lmdb: lmdbStore };
const results: Array<Record<string, number | string>> = [];

for (const n of sizes) {
  for (const [name, make] of Object.entries(STORES)) {
    if (only && !only.includes(name)) continue;
    if (name === 'files' && n > 200_000) continue; // a million inodes: not a store for this size
    const dir = mkdtempSync(join(tmpdir(), `af-lab-cache-${name}-`));
    try {
      let store = make(dir);
      const writeStart = performance.now();
      for (let i = 0; i < n; i++) {
        store.put(keyOf(i), entry(i));
        // As in a run, writes come a few at a time: let each store commit as it goes.
        if (i % 1000 === 999) await store.flush();
      }
      await store.flush();
      const writeMs = performance.now() - writeStart;
      await store.close();
      const openStart = performance.now();
      store = make(dir);
      const openMs = performance.now() - openStart;
      let state = 12345;
      const readStart = performance.now();
      let hits = 0;
      for (let j = 0; j < LOOKUPS; j++) {
        state = (state * 1103515245 + 12345) >>> 0;
        if (store.get(keyOf(state % n))) hits++;
      }
      const missStart = performance.now();
      for (let j = 0; j < LOOKUPS; j++) store.get(keyOf(n + j));
      const missMs = performance.now() - missStart;
      const readMs = missStart - readStart;
      await store.close();
      results.push({ store: name, entries: n, writePerSecond: Math.round(n / (writeMs / 1000)), openMs: +openMs.toFixed(1), hitMicros: +((readMs * 1000) / LOOKUPS).toFixed(1), missMicros: +((missMs * 1000) / LOOKUPS).toFixed(1), hits, diskMB: +(diskBytes(dir) / 1e6).toFixed(1), rssMB: Math.round(process.memoryUsage().rss / 1e6) });
      if (!json) console.log(JSON.stringify(results.at(-1)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`;
if (json) console.log(JSON.stringify({ machine, results }, null, 2));
else console.log(machine);
writeFileSync(join(tmpdir(), 'af-lab-bench-cache.json'), JSON.stringify({ machine, results }, null, 2));
