// Benchmark of af-lab's statistics against the issue's targets (npm run bench:stats):
//   10,000 Fisher tests at about 2,000 samples per tier in under 1 s; exact power at 500 per tier in under 2 s.
// Prints one line per measurement; --json prints them as JSON. Exits 1 when a target is missed.
import { cpus } from 'node:os';
import { fisherExact, fisherPValues, fisherPower, sampleSizeExact, detectableGap, type Table2x2 } from '../src/stats/index.js';
import { buildSummary } from '../src/summary/index.js';
import { tierRecords } from '../test/helpers/records.js';
import { seededRandom } from '../src/core/random.js';

function binomial(n: number, p: number, random: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

// Seeded, so every run times the same tables.
const random = seededRandom('bench-stats', 2025);
const tables: Table2x2[] = [];
for (let i = 0; i < 10_000; i++) {
  const nFree = 1900 + Math.floor(random() * 200);
  const nPaid = 1900 + Math.floor(random() * 200);
  const pPaid = 0.02 + random() * 0.3;
  const pFree = Math.min(1, pPaid + random() * 0.06);
  const a = binomial(nFree, pFree, random);
  const c = binomial(nPaid, pPaid, random);
  tables.push([[a, nFree - a], [c, nPaid - c]]);
}

// Warm up the JIT on a few tables, as any long-running process would be.
for (const t of tables.slice(0, 200)) fisherExact(t);

const results: Array<{ what: string; ms: number; target?: number; detail?: string }> = [];
const pvalues = time(() => tables.map((t) => fisherPValues(t).pTwoSided));
results.push({ what: '10,000 Fisher tests (two-sided, less, greater), ~2,000 per tier', ms: pvalues.ms, target: 1000 });
const full = time(() => tables.map((t) => fisherExact(t).conditionalOddsRatio));
results.push({ what: '10,000 full fisherExact (p-values + conditional MLE OR + exact CI), ~2,000 per tier', ms: full.ms });
const million = time(() => fisherExact([[1000, 999000], [1100, 998900]]));
results.push({ what: 'one full fisherExact at a million per tier', ms: million.ms, target: 1000, detail: `p ${million.value.pTwoSided.toFixed(6)}` });

for (const [pFree, pPaid] of [[0.15, 0.05], [0.5, 0.4], [0.06, 0.05]]) {
  const power = time(() => fisherPower({ nFree: 500, nPaid: 500, pFree, pPaid }));
  results.push({ what: `exact power, 500 per tier, ${pFree} vs ${pPaid}`, ms: power.ms, target: 2000, detail: `power ${power.value.toFixed(4)}` });
}
const size = time(() => sampleSizeExact({ gap: 0.1, base: 0.05 }));
results.push({ what: 'exact sample size, gap 0.10 over base 0.05 (80% power)', ms: size.ms, detail: `${size.value.perTier} per tier` });
const sizeSmall = time(() => sampleSizeExact({ gap: 0.03, base: 0.05 }));
results.push({ what: 'exact sample size, gap 0.03 over base 0.05 (80% power)', ms: sizeSmall.ms, detail: `${sizeSmall.value.perTier} per tier` });
const gap = time(() => detectableGap({ nFree: 200, nPaid: 200, base: 0.05 }));
results.push({ what: 'detectable gap, exact, 200 per tier, base 0.05', ms: gap.ms, detail: `gap ${(gap.value ?? NaN).toFixed(4)}` });

const records: ReturnType<typeof tierRecords> = [];
for (const model of ['m1', 'm2']) for (const variant of ['baseline', 'deontological']) for (const reasoning of ['cot', 'no-cot'] as const) {
  records.push(...tierRecords({ tier: 'free', complied: 400, refused: 850, model, variant, reasoning, judge: true, af: 'no' }));
  records.push(...tierRecords({ tier: 'paid', complied: 300, refused: 950, model, variant, reasoning, judge: false }));
}
const summary = time(() => buildSummary(records));
results.push({ what: `buildSummary, ${records.length} records (24 rows)`, ms: summary.ms });

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}`;
const missed = results.filter((r) => r.target !== undefined && r.ms > r.target);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ machine, results }, null, 2));
} else {
  console.log(`af-lab stats benchmark on ${machine}`);
  for (const r of results) {
    const verdict = r.target === undefined ? '' : r.ms <= r.target ? `  (target < ${r.target} ms: met)` : `  (target < ${r.target} ms: MISSED)`;
    console.log(`${r.ms.toFixed(0).padStart(7)} ms  ${r.what}${r.detail ? ` -> ${r.detail}` : ''}${verdict}`);
  }
}
process.exit(missed.length > 0 ? 1 : 0);
