// Record sets that exercise every field the run summary reads, for the golden summaries in
// test/fixtures/summary/ (written by today's buildSummary, compared by test/summary-accumulator.test.ts).
// Every record names its request, so a set does not depend on how many records were made before it.
import type { AfLabel, AfVerdict, Reasoning, SampleRecord, SampleStatus, SettingStamp, Tier } from '../../src/core/types.js';
import { sampleRecord, type RecordSpec } from './records.js';

/** A deterministic shuffle (mulberry32), so interleaved record orders are the same on every run. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `n` requests asked once per tier; request i complies in a tier when (i * 7) % n < that tier's count. */
function condition(spec: RecordSpec & { complied: { free: number; paid: number }; n?: number; prefix?: string }): SampleRecord[] {
  const { complied, n = 12, prefix = 'r', ...rest } = spec;
  return (['free', 'paid'] as const).flatMap((tier) =>
    Array.from({ length: n }, (_, i) => {
      const yes = (i * 7) % n < complied[tier];
      return sampleRecord({ tier, heuristic: yes, proxy: i % 5 === 0 ? !yes : yes, requestId: `${prefix}${i}`, ...rest });
    }),
  );
}

const status = (records: SampleRecord[], every: number, to: SampleStatus) =>
  records.map((r, i) => (i % every === every - 1 ? { ...r, status: to, labels: { ...r.labels, proxy: { complied: null }, heuristic: { complied: null } } } : r));

function withAf(records: SampleRecord[], verdicts: Array<AfVerdict | null | undefined>, reads: Array<AfLabel['read'] | undefined> = [undefined]): SampleRecord[] {
  return records.map((r, i) => {
    const verdict = verdicts[i % verdicts.length];
    if (verdict === undefined) return r;
    const read = reads[i % reads.length];
    const af: AfLabel = { judge: 'sim/judge', promptHash: 'h', votes: [], score: null, label: verdict, thresholds: { af: 0.4, maybe: 0.2 }, ...(read ? { read } : {}) };
    return { ...r, labels: { ...r.labels, af } };
  });
}

/** Two tiers, two models, CoT and no-CoT, statements, AF verdicts read three ways, a judge, every status. */
export function twoTier(): SampleRecord[] {
  const sets: SampleRecord[][] = [];
  for (const model of ['real/model', 'sim/faker']) {
    for (const reasoning of ['cot', 'no-cot'] as Reasoning[]) {
      const spec = { model, reasoning, simulated: model.startsWith('sim/') };
      sets.push(status(condition({ ...spec, variant: 'baseline', complied: { free: 7, paid: 2 } }), 9, 'error'));
      sets.push(status(condition({ ...spec, variant: 'koorndijk-a', complied: { free: 6, paid: 5 } }), 7, 'truncated'));
      sets.push(status(condition({ ...spec, variant: 'koorndijk-b', complied: { free: 3, paid: 3 } }), 5, 'failed'));
    }
  }
  const records = sets.flat().map((r, i) =>
    r.status === 'answered' && i % 3 !== 2 ? { ...r, labels: { ...r.labels, compliance: { judge: r.simulated ? 'sim/judge' : 'openai/gpt-judge', promptHash: 'h', refused: null, convincing: null, specific: null, score: null, complied: i % 4 === 0 ? null : r.labels.heuristic.complied } } } : r,
  );
  return shuffled(withAf(records, ['af', 'maybe', 'no', null, undefined, 'af'], ['scratchpad', 'native', undefined, 'both']), 17);
}

function stamp(name: string, context: string, meaning: SettingStamp['meaning'], own = false): SettingStamp {
  return {
    name,
    context,
    meaning,
    answer: { open: '<OUTPUT>', close: '</OUTPUT>', block: own ? 'first' : 'last' },
    scoring: { proxy: own ? 'anywhere' : 'prefix', denominator: own ? 'all' : 'answered' },
    sources: {},
  };
}

/** Sheshadri's three tiers: free (trained) and pro (rated) are monitored, enterprise (neither) is the paid tier. */
export function threeTier(): SampleRecord[] {
  const contexts: Array<[string, SettingStamp['meaning'], Tier, number]> = [
    ['pro', 'rated', 'free', 5],
    ['enterprise', 'neither', 'paid', 2],
    ['free', 'trained', 'free', 8],
  ];
  const records: SampleRecord[] = [];
  for (const variant of ['baseline', 'statement']) {
    for (const reasoning of ['cot', 'no-cot'] as Reasoning[]) {
      for (const [context, meaning, tier, complied] of contexts) {
        for (let i = 0; i < 10; i++) {
          const r = sampleRecord({ model: 'sim/three', variant, reasoning, tier, heuristic: (i * 3) % 10 < complied + (variant === 'statement' ? 1 : 0), requestId: `t${i}`, ...(i === 9 ? { status: 'truncated' as const, heuristic: null } : {}) });
          records.push({ ...r, setting: stamp('sheshadri-2025-three-tier', context, meaning) });
        }
      }
    }
  }
  // Two monitored contexts of the same meaning: their rows keep the order the contexts were first seen in.
  for (const [context, meaning, tier] of [['silver', 'rated', 'free'], ['vip', 'neither', 'paid'], ['gold', 'rated', 'free']] as const) {
    for (let i = 0; i < 6; i++) records.push({ ...sampleRecord({ model: 'sim/four', tier, heuristic: i < (context === 'vip' ? 1 : 3), requestId: `t${i}` }), setting: stamp('tiers-by-metal', context, meaning) });
  }
  return withAf(shuffled(records, 5), ['af', undefined, 'no', 'maybe']);
}

/** One statement name that carried two texts, plus records from before the hash was kept. */
export function editedStatement(): SampleRecord[] {
  return shuffled(
    [
      ...condition({ model: 'real/model', simulated: false, variant: 'baseline', complied: { free: 6, paid: 2 }, variantHash: 'e3b0c44298fc1c149afbf4c8996fb924' }),
      ...condition({ model: 'real/model', simulated: false, variant: 'mine', complied: { free: 5, paid: 4 }, variantHash: 'aaaaaaa1111111' }),
      ...condition({ model: 'real/model', simulated: false, variant: 'mine', complied: { free: 3, paid: 3 }, variantHash: 'bbbbbbb2222222' }),
      ...condition({ model: 'real/model', simulated: false, variant: 'mine', complied: { free: 4, paid: 1 } }),
    ],
    3,
  );
}

/** Koorndijk's D written on baseline 2, next to A on baseline. */
export function onBaseline2(): SampleRecord[] {
  const on = (records: SampleRecord[]) => records.map((r) => ({ ...r, variantOn: 'koorndijk-baseline-2' }));
  return [
    ...condition({ model: 'real/model', simulated: false, variant: 'baseline', complied: { free: 6, paid: 1 } }),
    ...on(condition({ model: 'real/model', simulated: false, variant: 'koorndijk-d', complied: { free: 7, paid: 4 } })),
    ...condition({ model: 'real/model', simulated: false, variant: 'koorndijk-baseline-2', complied: { free: 9, paid: 3 } }),
    ...condition({ model: 'real/model', simulated: false, variant: 'koorndijk-a', complied: { free: 6, paid: 4 } }),
    // A statement on a variant the run never sampled: no comparison.
    ...on(condition({ model: 'other/model', simulated: false, variant: 'koorndijk-d', complied: { free: 7, paid: 4 } })),
  ];
}

/** A real model judged by the simulated judge: the judge, AF and partial labels are SIMULATED, the proxy is not. */
export function simulatedJudgeOnReal(): SampleRecord[] {
  const records = [
    ...condition({ model: 'real/model', simulated: false, variant: 'baseline', complied: { free: 7, paid: 3 }, prefix: 'j' }),
    ...condition({ model: 'real/model', simulated: false, variant: 'koorndijk-a', complied: { free: 5, paid: 4 }, prefix: 'j' }),
    ...condition({ model: 'other/model', simulated: false, variant: 'baseline', complied: { free: 4, paid: 1 }, prefix: 'j' }),
  ];
  return withAf(
    records.map((r, i) => ({
      ...r,
      labels: {
        ...r.labels,
        compliance: { judge: r.model === 'real/model' ? 'sim/judge' : 'anthropic/claude-judge', promptHash: 'h', refused: null, convincing: null, specific: null, score: null, complied: i % 6 === 0 ? !r.labels.heuristic.complied : r.labels.heuristic.complied },
        ...(r.model === 'real/model' && i % 2 === 0 ? { partial: { judge: 'sim/judge', promptHash: 'h', partial: false } } : {}),
      },
    })),
    ['af', 'no', undefined],
  );
}

/** Greenblatt's conventions differ from af-lab's: the `setting` label source, and its conventions in words. */
export function settingSource(): SampleRecord[] {
  const records = [
    ...condition({ model: 'real/model', simulated: false, variant: 'baseline', complied: { free: 6, paid: 2 }, prefix: 's' }),
    ...status(condition({ model: 'real/model', simulated: false, variant: 'koorndijk-a', complied: { free: 6, paid: 5 }, prefix: 's' }), 4, 'error'),
  ];
  const stamped: SampleRecord[] = records.map((r, i) => ({
    ...r,
    setting: stamp(i < 12 ? 'greenblatt-2024' : 'koorndijk-2025', r.tier, r.tier === 'free' ? ('trained' as const) : ('neither' as const), true),
    labels: { ...r.labels, setting: { complied: r.status === 'answered' ? (i % 4 === 0 ? true : r.labels.heuristic.complied) : false, setting: 'greenblatt-2024' } },
  }));
  // A second af-lab-convention setting among them: named in `settings`, not in the conventions.
  stamped.push({ ...sampleRecord({ model: 'real/model', simulated: false, tier: 'paid', heuristic: false, requestId: 's0' }), setting: stamp('af-lab', 'paid', 'neither') });
  return shuffled(stamped, 11);
}

/** Errors, truncated and failed samples, a record not yet labelled, and two runs pooled. */
export function statusesAndRuns(): SampleRecord[] {
  const at = (tier: Tier, count: number, proxy: boolean | null, heuristic: boolean | null, st: SampleStatus = 'answered', run = 'run-a') =>
    Array.from({ length: count }, (_, i) => sampleRecord({ tier, proxy, heuristic, status: st, model: 'real/model', simulated: false, run, requestId: `m${i}` }));
  const unlabelled = sampleRecord({ tier: 'free', model: 'real/model', simulated: false, requestId: 'm0' }) as Partial<SampleRecord>;
  delete unlabelled.labels;
  return [
    ...at('free', 3, true, true),
    ...at('free', 1, true, false),
    ...at('free', 2, false, false),
    ...at('free', 1, null, null, 'error'),
    ...at('free', 1, false, false, 'error'),
    ...at('free', 2, null, null, 'truncated'),
    unlabelled as SampleRecord,
    ...at('free', 1, null, null, 'failed'),
    ...at('paid', 1, true, true, 'answered', 'run-b'),
    ...at('paid', 1, true, false),
    ...at('paid', 5, false, false),
    ...at('paid', 1, null, null, 'error'),
    ...at('paid', 1, null, null, 'truncated'),
    ...at('paid', 3, null, null, 'failed'),
  ];
}

/** Each record set by name, as its golden file is named (test/fixtures/summary/<name>.json). */
export const SUMMARY_RECORD_SETS: Record<string, () => SampleRecord[]> = {
  'two-tier': twoTier,
  'three-tier': threeTier,
  'edited-statement': editedStatement,
  'on-baseline-2': onBaseline2,
  'simulated-judge-on-real': simulatedJudgeOnReal,
  'setting-source': settingSource,
  'statuses-and-runs': statusesAndRuns,
  empty: () => [],
};
