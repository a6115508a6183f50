// Scale benchmark (npm run bench:scale): whole `af-lab run` processes on the simulator at growing
// sample counts, each in fresh folders, timed with GNU time: wall seconds, CPU seconds and peak
// resident memory, so growth in time and memory per sample can be read off (issue 17's goal: 1,000,000
// samples in under 15 minutes on 2 cores with peak memory under 1 GB, memory flat in the number of samples).
// One persona (sim/faker), baseline prompt, CoT and no-CoT, both tiers, af-lab's 60 built-in requests:
// 240 samples per `samples` unit; the judge (sim/judge, 20 AF votes) runs on every record.
// Then every other command on the same run folder, each its own process (--commands run,resume,rejudge,
// figures,report,estimate,labels picks; estimate is of a plan twice the run's size, labels is export,
// import of the filled-in sheet, and compare). At the end a table of CPU seconds and peak RSS per
// command and size, with the largest over the smallest peak (issue 25's goal: at most 1.2); --repeat N
// runs each command after the first run N times and reports the medians, with the range of the peaks. Flags: --sizes 1000,10000,100000 (default; add 1000000 for the long run), --concurrency 64, --json,
// --heap <MB> (the child's --max-old-space-size: V8 otherwise lets a long run's heap grow far past what it holds),
// --bare (each command as `node dist/cli.js`, without the node flags of the bin's first line),
// --keep (leave the folders, to look at them), --reuse <dir> (a kept folder: every command but the first run). Needs a built dist/ (npm run build) and GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const argv = process.argv.slice(2);
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const sizes = (flag('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const concurrency = Number(flag('--concurrency') ?? 64);
const json = argv.includes('--json');
const keep = argv.includes('--keep');
const heap = flag('--heap');
// `node dist/cli.js`, without the flags the bin's first line starts node with (to measure what they change).
const bare = argv.includes('--bare');
// A run folder made before (by --keep: <dir>/scale.json, results/, cache/) to run the other commands on,
// without the first run (one size only): on a loaded machine the first run is most of the time.
const reuse = flag('--reuse');
// Each command after the first run this many times (its outputs removed before each), the median
// peak and CPU reported with the range: a command's peak moves by 10-15 % from one try to the next
// (when V8 happens to collect), so one try per size cannot tell 1.15 from 1.25.
const repeat = Number(flag('--repeat') ?? 1);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error(`--repeat ${flag('--repeat')}: not a whole number of tries; give 1 or more (e.g. --repeat 3)`);
  process.exit(2);
}
const PER_UNIT = 240;

interface ScaleResult {
  target: number;
  samples: number;
  command: string;
  wallS: number;
  cpuS: number;
  peakRssMB: number;
  exit: number | null;
  /** With --repeat: every try's peak, in the order run (peakRssMB and cpuS are then the medians). */
  peaks?: number[];
}

/** One af-lab command under GNU time: wall seconds, CPU seconds, peak resident memory. */
function timed(target: number, samples: number, command: string, args: string[]): ScaleResult {
  // As a user runs it: the bin, through its first line (the node flags it carries, cli/heapGrowth.ts);
  // with --bare, `node dist/cli.js` without them. --heap travels in NODE_OPTIONS, which node reads either way.
  const program = bare ? [process.execPath, 'dist/cli.js'] : ['dist/cli.js'];
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, ...(heap ? { NODE_OPTIONS: `--max-old-space-size=${heap}` } : {}) };
  const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...program, ...args], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const timing = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  if (run.status !== 0) console.error(run.stderr.slice(-2000));
  const result = { target, samples, command, wallS: timing[0], cpuS: +(timing[1] + timing[2]).toFixed(2), peakRssMB: Math.round(timing[3] / 1024), exit: run.status };
  if (!json) console.log(JSON.stringify(result));
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** `timed` `repeat` times, `before` each try (to remove what the last one wrote): the medians, with every peak. */
function repeated(target: number, samples: number, command: string, args: string[], before: () => void = () => {}): ScaleResult {
  const tries: ScaleResult[] = [];
  for (let i = 0; i < repeat; i++) {
    before();
    tries.push(timed(target, samples, command, args));
  }
  if (repeat === 1) return tries[0];
  return { ...tries[0], wallS: median(tries.map((t) => t.wallS)), cpuS: median(tries.map((t) => t.cpuS)), peakRssMB: median(tries.map((t) => t.peakRssMB)), exit: tries.find((t) => t.exit !== 0)?.exit ?? 0, peaks: tries.map((t) => t.peakRssMB) };
}

// The commands after the first run: a resumed run (its outputs stamp removed: everything re-read,
// nothing sampled), rejudge with nothing new to judge, figures (HTML), report, and the estimate of a
// plan of the same size.
const commands = (argv.includes('--commands') ? flag('--commands')! : 'run,resume,rejudge,figures,report,estimate,labels').split(',');
const loadAtStart = loadavg().map((x) => x.toFixed(1)).join(' ');

/** A filled-in label sheet: every row of the exported sheet labelled complied. */
function fillSheet(file: string): void {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  writeFileSync(file, stringify(rows.map((row) => ({ ...row, human_complied: 'yes' })), { header: true }));
}

const results: ScaleResult[] = [];
for (const target of sizes) {
  const units = Math.max(1, Math.round(target / PER_UNIT));
  const samples = units * PER_UNIT;
  const dir = reuse ?? mkdtempSync(join(tmpdir(), 'af-lab-scale-'));
  const config = join(dir, 'scale.json');
  if (!reuse) writeFileSync(config, JSON.stringify({ name: 'scale', models: ['sim/faker'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin' }, samples: units, concurrency, judge: 'sim/judge' }));
  const runArgs = ['run', '--config', config, '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress', '--no-images'];
  const runDir = join(dir, 'results', 'scale');
  if (!reuse) results.push(timed(target, samples, 'run', runArgs));
  if (commands.includes('resume')) results.push(repeated(target, samples, 'run (resumed, stamp gone)', runArgs, () => rmSync(join(runDir, '.outputs.json'), { force: true })));
  if (commands.includes('rejudge')) results.push(repeated(target, samples, 'rejudge (nothing new)', ['rejudge', runDir, '--cache', join(dir, 'cache')]));
  if (commands.includes('figures')) results.push(repeated(target, samples, 'figures --no-images', ['figures', runDir, '--no-images', '--out', join(dir, 'figs')], () => rmSync(join(dir, 'figs'), { recursive: true, force: true })));
  if (commands.includes('report')) results.push(repeated(target, samples, 'report', ['report', runDir, '--out', join(dir, 'report', 'report.html')], () => rmSync(join(dir, 'report'), { recursive: true, force: true })));
  if (commands.includes('estimate')) {
    // The plan twice the run's size (issue 25: the estimate of a 2M-sample plan beside the 1M run).
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), samples: 2 * units }));
    results.push(repeated(target, 2 * samples, 'estimate, plan 2x (openai judge)', ['estimate', '--config', twice, '--models', 'openai/gpt-4o-mini', '--judge', 'openai/gpt-4o-mini']));
  }
  if (commands.includes('labels')) {
    const sheet = join(dir, 'labels.csv');
    results.push(repeated(target, samples, 'labels export (200)', ['labels', 'export', runDir, '--n', '200', '--out', sheet], () => rmSync(sheet, { force: true })));
    fillSheet(sheet);
    results.push(repeated(target, samples, 'labels import', ['labels', 'import', runDir, sheet]));
    results.push(repeated(target, samples, 'labels compare', ['labels', 'compare', runDir, '--no-images', '--figures', join(dir, 'validation')], () => rmSync(join(dir, 'validation'), { recursive: true, force: true })));
  }
  const size = (file: string) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) / 1e6;
  if (!json) console.log(JSON.stringify({ target, recordsMB: +size(join(runDir, 'records.jsonl')).toFixed(1), judgementsMB: +size(join(runDir, 'judgements.jsonl')).toFixed(1) }));
  if (!keep && !reuse) rmSync(dir, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${bare ? ', node dist/cli.js (--bare: without the bin\'s node flags)' : ', the bin (dist/cli.js through its first line)'}${heap ? `, --max-old-space-size=${heap}` : ''}${repeat > 1 ? `, medians of ${repeat} tries (the first run: one)` : ''}, load average ${loadAtStart} at start, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at end`;
if (json) console.log(JSON.stringify({ machine, concurrency, results }, null, 2));
else {
  // One row per command: CPU / peak RSS at each size, and the largest peak over the smallest.
  const targets = [...new Set(results.map((r) => r.target))];
  const names = [...new Set(results.map((r) => r.command))];
  console.log(`\n| command | ${targets.map((t) => `${t.toLocaleString('en-US')}: CPU / peak RSS`).join(' | ')} | peak RSS largest / smallest |`);
  console.log(`|---|${targets.map(() => '---|').join('')}---|`);
  for (const name of names) {
    const cells = targets.map((t) => results.find((r) => r.command === name && r.target === t));
    const peaks = cells.flatMap((c) => (c && c.exit === 0 ? [c.peakRssMB] : []));
    const range = (c: ScaleResult) => (c.peaks ? ` (${Math.min(...c.peaks)}–${Math.max(...c.peaks)})` : '');
    const cell = (c: ScaleResult | undefined) => (!c ? '' : `${c.cpuS} s / ${c.peakRssMB} MB${range(c)}${c.exit === 0 ? '' : ` (exit ${c.exit})`}`);
    console.log(`| \`${name}\` | ${cells.map(cell).join(' | ')} | ${peaks.length > 1 ? (Math.max(...peaks) / Math.min(...peaks)).toFixed(2) : ''} |`);
  }
  console.log(machine);
}
