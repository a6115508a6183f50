// Record sets whose figure inputs and figures are kept as golden JSON (test/fixtures/figures/): each
// exercises one rule of figureInputs (label source, several contexts, first-seen orders, AF scores).
import type { SampleRecord, SettingStamp } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';

/** A deterministic shuffle, so first-seen orders differ from the synthetic generation order. */
function shuffled<T>(values: T[], seed: number): T[] {
  const out = [...values];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const stamp = (context: string, meaning: SettingStamp['meaning']): SettingStamp => ({
  name: 'three-tier',
  context,
  meaning,
  answer: { open: '<OUTPUT>', close: '</OUTPUT>', block: 'last' },
  scoring: { proxy: 'prefix', denominator: 'answered' },
  sources: {},
});

/** Free tier split over two monitored contexts (free, pro), paid as enterprise; a second model without a setting. */
function threeTier(): SampleRecord[] {
  const withSetting = syntheticRecords({ models: ['sim/faker'], requests: 12, seed: 5 }).map((r, i) => ({
    ...r,
    setting: r.tier === 'paid' ? stamp('enterprise', 'neither') : i % 3 === 0 ? stamp('pro', 'rated') : stamp('free', 'trained'),
  }));
  // A few free-tier records stamped with an empty context: the '' bar counts the whole group.
  for (const r of withSetting.slice(0, 4)) r.setting = stamp('', 'trained');
  const plain = syntheticRecords({ models: ['sim/no-gap'], requests: 6, seed: 6 });
  return shuffled([...withSetting, ...plain], 17);
}

/** Odd AF labels: no score, no verdict, fewer votes; records with no labels at all. */
function oddLabels(): SampleRecord[] {
  const records = syntheticRecords({ models: ['m/one'], variants: ['baseline'], requests: 15, seed: 23, simulated: false });
  return records.map((r, i) => {
    if (!r.labels.af) return i % 7 === 0 ? { ...r, labels: {} as SampleRecord['labels'] } : r; // no label of any kind
    if (i % 5 === 0) return { ...r, labels: { ...r.labels, af: { ...r.labels.af, score: null, label: null } } };
    if (i % 5 === 1) return { ...r, labels: { ...r.labels, af: { ...r.labels.af, votes: r.labels.af.votes.slice(0, 10), score: 0.3, label: 'maybe' as const } } };
    return r;
  });
}

/** Real samples labelled by sim/judge: the proxy decides, and the judge's labels are marked simulated. */
function realWithSimJudge(): SampleRecord[] {
  const records = syntheticRecords({ simulated: false, requests: 8, seed: 29 });
  const sim = (label: { judge: string } | undefined) => (label ? { ...label, judge: 'sim/judge' } : undefined);
  return shuffled(
    records.map((r, i) => (i % 2 === 0 ? { ...r, labels: { ...r.labels, compliance: sim(r.labels.compliance), af: sim(r.labels.af), partial: sim(r.labels.partial) } as SampleRecord['labels'] } : r)),
    31,
  );
}

export function figureRecordSets(): Record<string, SampleRecord[]> {
  const judged = syntheticRecords({ requests: 12 });
  return {
    empty: [],
    one: [judged[0]],
    'judged-simulated': judged,
    'judged-shuffled': shuffled(judged, 3),
    'proxy-only': syntheticRecords({ judged: false, requests: 10, seed: 3 }),
    'real-judged': syntheticRecords({ simulated: false, requests: 10, seed: 11, models: ['openai/gpt-4o', 'anthropic/claude'] }),
    'real-sim-judge': realWithSimJudge(),
    'three-tier': threeTier(),
    'odd-labels': oddLabels(),
  };
}
