// The report writer's memory as transcripts grow (issue 25 item 1).
//   nice node --import tsx bench/report-memory.ts [sizes=10000,100000,1000000] [text=small|zipf]
// For each size, in a process of its own (so each peak is its own): a ReportWriter (paged, default
// budgets) fed that many records made one at a time, then finish(). `small`: the 16 template records
// of test/plots-records.ts with distinct keys (about 1 KB of row each, 46 distinct words); `zipf`:
// test/helpers/searchRecords.ts (20,000 made-up words, 2,500-character scratchpads on CoT samples).
// Prints, per size: peak RSS; what the process retains after the last add (heap used and external
// memory after a full collection: what the writer holds, without the garbage V8 has not collected yet);
// the most the packed index and the search lists held in memory; what went to the scratch files; CPU
// seconds. The report is removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReportWriter } from '../src/report/write.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from '../test/plots-records.js';
import { searchRecords } from '../test/helpers/searchRecords.js';

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function* smallRecords(count: number): Generator<SampleRecord> {
  const templates = syntheticRecords({ requests: 1 });
  for (let i = 0; i < count; i++) yield { ...templates[i % templates.length], key: `k${i}` };
}

interface Measured {
  rows: number;
  peakRss: number;
  retained: number;
  index: number;
  search: number;
  scratch: number;
  cpuSeconds: number;
}

function measureOne(count: number, text: string): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'af-bench-report-memory-'));
  try {
    const writer = new ReportWriter(join(dir, 'report.html'), {}, count);
    const most = { index: 0, search: 0 };
    let n = 0;
    for (const record of text === 'zipf' ? searchRecords({ count }) : smallRecords(count)) {
      writer.add(record);
      if (++n % 1_000 === 0) {
        most.index = Math.max(most.index, writer.indexBytes);
        most.search = Math.max(most.search, writer.searchBytes);
      }
    }
    const scratch = writer.scratchBytes;
    (globalThis as unknown as { gc: () => void }).gc();
    const memory = process.memoryUsage();
    const retained = memory.heapUsed + memory.external;
    writer.finish('bench');
    const usage = process.resourceUsage();
    return { rows: count, peakRss: usage.maxRSS * 1024, retained, ...most, scratch, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--one') {
  console.log(JSON.stringify(measureOne(Number(process.argv[3]), process.argv[4])));
} else {
  const sizes = (process.argv[2] ?? '10000,100000,1000000').split(',').map(Number);
  const text = process.argv[3] ?? 'small';
  console.log(`node ${process.version}, text ${text}; machine load (1, 5, 15 min) at start: ${load()}`);
  console.log('| transcripts | peak RSS | retained after the last add | packed index in memory (most) | search lists in memory (most) | in scratch files | CPU |\n|---|---|---|---|---|---|---|');
  for (const size of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--one', String(size), text], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`${size} transcripts: the measuring process exited ${child.status}`);
    const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measured;
    console.log(`| ${m.rows.toLocaleString('en')} | ${mb(m.peakRss)} | ${mb(m.retained)} | ${mb(m.index)} | ${mb(m.search)} | ${mb(m.scratch)} | ${m.cpuSeconds.toFixed(1)} s |`);
  }
  console.log(`machine load (1, 5, 15 min) at end: ${load()}`);
}
