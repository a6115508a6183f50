// Side by side with a Redwood-style Python runner (npm run bench:peer): whole processes against the
// same loopback OpenAI-format server (100 ms per response, its own process), N requests at concurrency
// 64, in interleaved passes so both see the same machine load:
//   peer      /usr/bin/python3 bench/peer_runner.py (asyncio + httpx; no cache: every run sends all N)
//   cold      `af-lab run` in fresh folders: N no-CoT samples (N/2 requests × free and paid), judged by
//             sim/judge, summary, figures as HTML (--no-images: the peer draws nothing, and a browser
//             launch alone costs seconds), report
//   warm      the same command again: nothing to send, judge or draw
// Prints each pass's wall times and the ratios af-lab/peer; issue 17's goals: cold at most 0.8 of the
// peer's time, warm at most 0.1. Needs dist/ (npm run build) and Debian's python3-httpx.
// Flags: --n 2000, --passes 3, --concurrency 64, --json.
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const n = flag('--n', 2000);
const passes = flag('--passes', 3);
const concurrency = flag('--concurrency', 64);
const json = argv.includes('--json');

const child = fork(join(import.meta.dirname, 'loopbackServer.ts'), [JSON.stringify({ latencyMs: 100 })], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const url = await new Promise<string>((resolve, reject) => {
  child.stdout!.on('data', (chunk: Buffer) => {
    const match = /URL (\S+)/.exec(chunk.toString());
    if (match) resolve(match[1]);
  });
  child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return seconds;
}

const scratch = mkdtempSync(join(tmpdir(), 'af-lab-peer-'));
const requests = join(scratch, 'requests.csv');
writeFileSync(requests, `goal\n${Array.from({ length: Math.ceil(n / 2) }, (_, i) => `benchmark placeholder request ${i}`).join('\n')}\n`);
const model = `openai/bench-model?base_url=${encodeURIComponent(`${url}/v1`)}&concurrency=${concurrency}&rpm=1000000000`;

const rows: Array<{ pass: number; peerS: number; coldS: number; warmS: number }> = [];
try {
  for (let pass = 1; pass <= passes; pass++) {
    const dir = join(scratch, `pass-${pass}`);
    const afLab = ['dist/cli.js', 'run', '--name', 'peer', '--models', model, '--requests-path', requests, '--variants', 'baseline', '--reasoning', 'no-cot', '--samples', '1', '--no-images', '--concurrency', String(concurrency), '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress'];
    const env = { OPENAI_API_KEY: 'sk-bench-not-a-real-key-000000' };
    const peerS = timed('/usr/bin/python3', ['bench/peer_runner.py', `${url}/v1`, String(n), String(concurrency), join(scratch, `peer-${pass}.jsonl`)]);
    const coldS = timed(process.execPath, afLab, env);
    const warmS = timed(process.execPath, afLab, env);
    rows.push({ pass, peerS, coldS, warmS });
    if (!json) console.log(`pass ${pass}: peer ${peerS.toFixed(2)} s, af-lab cold ${coldS.toFixed(2)} s (ratio ${(coldS / peerS).toFixed(2)}), warm ${warmS.toFixed(2)} s (ratio ${(warmS / peerS).toFixed(2)})`);
  }
} finally {
  child.send('stop');
  rmSync(scratch, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// No client can send N requests at this concurrency to a server answering in 100 ms faster than this:
// the cold goal (0.8 of the peer) is below it whenever the peer's own overhead is under a quarter of it.
const floorS = (n / concurrency) * 0.1;
const overhead = median(rows.map((r) => (r.coldS - floorS) / (r.peerS - floorS)));
const cold = median(rows.map((r) => r.coldS / r.peerS));
const warm = median(rows.map((r) => r.warmS / r.peerS));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0].toFixed(2)} at end`;
if (json) console.log(JSON.stringify({ machine, n, concurrency, rows, floorS, medianColdRatio: cold, medianWarmRatio: warm, medianColdOverheadRatio: overhead }, null, 2));
else {
  console.log(`median ratios af-lab/peer: cold ${cold.toFixed(2)} (goal <= 0.8), warm ${warm.toFixed(2)} (goal <= 0.1)`);
  console.log(`the server alone needs ${floorS.toFixed(2)} s (N / concurrency x 100 ms): time above it, af-lab cold / peer, median ${overhead.toFixed(2)}`);
  console.log(machine);
}
