// Scale benchmark (npm run bench:scale): whole `af-lab run` processes on the simulator at growing
// sample counts, each in fresh folders, timed with GNU time: wall seconds, CPU seconds and peak
// resident memory, so growth in time and memory per sample can be read off (issue 17's goal: 1,000,000
// samples in under 15 minutes on 2 cores with peak memory under 1 GB, memory flat in the number of samples).
// One persona (sim/faker), baseline prompt, CoT and no-CoT, both tiers, af-lab's 60 built-in requests:
// 240 samples per `samples` unit; the judge (sim/judge, 20 AF votes) runs on every record.
// Flags: --sizes 1000,10000,100000 (default; add 1000000 for the long run), --concurrency 64, --json,
// --heap <MB> (the child's --max-old-space-size: V8 otherwise lets a long run's heap grow far past what it holds),
// --keep (leave the folders, to look at them). Needs a built dist/ (npm run build) and GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const sizes = (flag('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const concurrency = Number(flag('--concurrency') ?? 64);
const json = argv.includes('--json');
const keep = argv.includes('--keep');
const heap = flag('--heap');
const PER_UNIT = 240;

interface ScaleResult {
  target: number;
  samples: number;
  wallS: number;
  cpuS: number;
  peakRssMB: number;
  recordsMB: number;
  reportMB: number;
  exit: number | null;
}

const results: ScaleResult[] = [];
for (const target of sizes) {
  const units = Math.max(1, Math.round(target / PER_UNIT));
  const dir = mkdtempSync(join(tmpdir(), 'af-lab-scale-'));
  const config = join(dir, 'scale.json');
  writeFileSync(config, JSON.stringify({ name: 'scale', models: ['sim/faker'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin' }, samples: units, concurrency, judge: 'sim/judge' }));
  const args = ['-f', '%e %U %S %M', process.execPath, ...(heap ? [`--max-old-space-size=${heap}`] : []), 'dist/cli.js', 'run', '--config', config, '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress'];
  const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const timing = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const size = (file: string) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) / 1e6;
  results.push({
    target,
    samples: units * PER_UNIT,
    wallS: timing[0],
    cpuS: +(timing[1] + timing[2]).toFixed(2),
    peakRssMB: Math.round(timing[3] / 1024),
    recordsMB: +size(join(dir, 'results', 'scale', 'records.jsonl')).toFixed(1),
    reportMB: +size(join(dir, 'results', 'scale', 'report.html')).toFixed(1),
    exit: run.status,
  });
  if (run.status !== 0) console.error(run.stderr.slice(-2000));
  if (!json) console.log(JSON.stringify(results.at(-1)));
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${heap ? `, --max-old-space-size=${heap}` : ''}, load average ${loadavg()[0].toFixed(2)} at end`;
if (json) console.log(JSON.stringify({ machine, concurrency, results }, null, 2));
else console.log(machine);
