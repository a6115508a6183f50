// Start-up benchmark (npm run bench:startup): wall time of whole `af-lab` processes, hyperfine-style
// (warm-up runs, then N timed runs; mean ± sd, min, max), against the goals:
//   `af-lab --help` and `af-lab stats fisher 15/98 4/95` under 0.3 s;
//   `npm start` warm (the default experiment already run: nothing to sample, judge or draw) under 2 s.
// Also prints a bare `node -e 0` as the floor this machine sets, the machine's load, one process
// computing 10,000 tables with `stats fisher --tables`, and the CPU time (user + sys, GNU time) of
// `npx af-lab --help` inside this repository against issue 27's goal: under 1 s of CPU.
// Needs a built dist/ (npm run build). Flags: --runs N (default 10), --json, --skip-start.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) || 10) : 10;
const json = argv.includes('--json');
const skipStart = argv.includes('--skip-start');

interface Measured {
  what: string;
  runs: number;
  meanMs: number;
  sdMs: number;
  minMs: number;
  maxMs: number;
  targetMs?: number;
}

function once(command: string, args: string[]): number {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function measure(what: string, command: string, args: string[], { n = runs, warmup = 2, targetMs }: { n?: number; warmup?: number; targetMs?: number } = {}): Measured {
  for (let i = 0; i < warmup; i++) once(command, args);
  const times = Array.from({ length: n }, () => once(command, args));
  const meanMs = times.reduce((a, b) => a + b, 0) / n;
  const sdMs = Math.sqrt(times.reduce((a, b) => a + (b - meanMs) ** 2, 0) / Math.max(1, n - 1));
  return { what, runs: n, meanMs, sdMs, minMs: Math.min(...times), maxMs: Math.max(...times), targetMs };
}

/** CPU seconds (user + sys, children included) of one process, from GNU time. */
function cpuOnce(command: string, args: string[]): number {
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const [user, sys] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return (user + sys) * 1000;
}

function measureCpu(what: string, command: string, args: string[], targetMs?: number): Measured {
  cpuOnce(command, args);
  const times = Array.from({ length: runs }, () => cpuOnce(command, args));
  const meanMs = times.reduce((a, b) => a + b, 0) / runs;
  const sdMs = Math.sqrt(times.reduce((a, b) => a + (b - meanMs) ** 2, 0) / Math.max(1, runs - 1));
  return { what, runs, meanMs, sdMs, minMs: Math.min(...times), maxMs: Math.max(...times), targetMs };
}

const load = loadavg()[0];
const results: Measured[] = [];
results.push(measure('node -e 0 (the floor)', process.execPath, ['-e', '0']));
results.push(measure('af-lab --help', process.execPath, ['dist/cli.js', '--help'], { targetMs: 300 }));
results.push(measure('af-lab stats fisher 15/98 4/95', process.execPath, ['dist/cli.js', 'stats', 'fisher', '15/98', '4/95'], { targetMs: 300 }));
{
  // Batch work: 10,000 tables in one process, against 10,000 processes of one table each.
  const scratch = mkdtempSync(join(tmpdir(), 'af-lab-tables-'));
  const file = join(scratch, 'tables.csv');
  const lines = ['free,paid'];
  for (let i = 0; i < 10_000; i++) lines.push(`${20 + (i % 50)}/${100 + (i % 37)},${10 + (i % 23)}/${100 + (i % 41)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    results.push(measure('af-lab stats fisher --tables (10,000 tables, ~100/tier)', process.execPath, ['dist/cli.js', 'stats', 'fisher', '--tables', file, '--out', join(scratch, 'out.csv')], { n: 3, warmup: 1 }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
results.push(measureCpu('CPU of af-lab --help (node dist/cli.js)', process.execPath, ['dist/cli.js', '--help']));
results.push(measureCpu('CPU of npx af-lab --help (in this repository)', 'npx', ['af-lab', '--help'], 1000));
if (!skipStart) {
  // The default experiment in a scratch folder: one cold run fills it, then warm re-runs are timed.
  const scratch = mkdtempSync(join(tmpdir(), 'af-lab-startup-'));
  const args = ['dist/cli.js', 'run', '--config', 'data/experiments/default.json', '--out', join(scratch, 'results'), '--figures-dir', join(scratch, 'figures'), '--cache', join(scratch, 'cache'), '--no-progress'];
  try {
    const cold = measure('npm start cold (default experiment, empty folders)', process.execPath, args, { n: 1, warmup: 0 });
    results.push(cold);
    results.push(measure('npm start warm (nothing to do)', process.execPath, args, { n: Math.min(runs, 5), warmup: 1, targetMs: 2000 }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${load.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`;
if (json) {
  console.log(JSON.stringify({ machine, results }, null, 2));
} else {
  console.log(machine);
  for (const r of results) {
    const verdict = r.targetMs === undefined ? '' : r.meanMs <= r.targetMs ? `  (goal < ${r.targetMs} ms: met)` : `  (goal < ${r.targetMs} ms: MISSED)`;
    console.log(`${r.what.padEnd(52)} ${r.meanMs.toFixed(0).padStart(6)} ms ± ${r.sdMs.toFixed(0).padStart(4)}  [min ${r.minMs.toFixed(0)}, max ${r.maxMs.toFixed(0)}, ${r.runs} runs]${verdict}`);
  }
}
