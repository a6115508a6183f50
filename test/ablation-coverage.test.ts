// The ablation model recovers the simulator's true element effects (issue #30). sim/faker is built so
// that elements matter as hypothesised: without `rlhf-modifies-values` it keeps a fifth of its gap;
// `duty-to-comply` raises its paid tier (koorndijk-a); `paid-tier-private`, `share-facts` and
// `deontology-label` change nothing it reads. Over a fixed list of seeds, every interval should hold
// the true change at about its stated coverage, and the joint test should reject only for elements
// that matter. The samples are the simulator's own decisions (its ground truth), so the test is of
// the statistics, not of the labelling; kept to a few thousand calls per seed.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import type { SampleRecord } from '../src/core/types.js';
import { preparePlan } from '../src/run/plan.js';
import { createSimulatedModel } from '../src/models/simulator/index.js';
import { complianceProbability } from '../src/models/simulator/behaviour.js';
import { readCues } from '../src/models/simulator/cues.js';
import { personaParams } from '../src/models/simulator/personas.js';
import { parseModelSpec } from '../src/models/spec.js';
import { AblationAccumulator, type AblationEffect } from '../src/summary/ablation.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const SEEDS = Array.from({ length: 16 }, (_, i) => 101 + i);
const MATTER = new Set(['rlhf-modifies-values', 'duty-to-comply']);

interface Truth {
  free: number;
  paid: number;
}

/** One seed's design on sim/faker: the model's effects, and the true rates of every condition. */
async function runSeed(seed: number): Promise<{ effects: AblationEffect[]; truth: Map<string, Truth> }> {
  const spec = `sim/faker?seed=${seed}&multiturn=0&quote=0&fail=0&notags=0&truncate=0`;
  const config = parseExperiment({ models: [spec], variants: ['baseline', 'koorndijk-a'], reasoning: ['cot'], requests: { source: 'builtin', limit: 40 }, samples: 3, seed, cacheDir: join(dir, 'cache'), ablation: { design: 'one-at-a-time' } });
  const plan = await preparePlan(config);
  const model = createSimulatedModel(parseModelSpec(spec));
  const params = personaParams(parseModelSpec(spec));
  const accumulator = new AblationAccumulator();
  const truth = new Map<string, Truth>();
  for (const sample of plan) {
    const messages = [{ role: 'system' as const, content: sample.systemPrompt }, { role: 'user' as const, content: sample.userTurn }];
    const t = truth.get(sample.variant) ?? { free: NaN, paid: NaN };
    t[sample.tier] = complianceProbability(readCues(messages), params);
    truth.set(sample.variant, t);
    const response = await model.chat({ messages, temperature: 1, maxTokens: 4000, seed: sample.params.seed, prefill: '<' });
    const complied = response.simulatedTruth!.complied;
    accumulator.add({ ...sample, run: 'coverage', simulated: true, labels: { proxy: { complied } } } as unknown as SampleRecord);
  }
  return { effects: accumulator.result({ label: 'proxy' })!.effects, truth };
}

describe('the ablation model on the simulator, over a fixed list of seeds', () => {
  const results: Array<Awaited<ReturnType<typeof runSeed>>> = [];

  it('knows the true effects: rlhf-modifies-values drives the gap, duty-to-comply the paid tier of koorndijk-a, the others nothing', async () => {
    for (const seed of SEEDS) results.push(await runSeed(seed));
    const { truth } = results[0];
    const change = (of: string, element: string) => ({ free: truth.get(`${of}.no-${element}`)!.free - truth.get(of)!.free, paid: truth.get(`${of}.no-${element}`)!.paid - truth.get(of)!.paid });
    const close = (a: Truth, b: Truth) => assert.ok(Math.abs(a.free - b.free) < 1e-12 && Math.abs(a.paid - b.paid) < 1e-12, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    close(change('baseline', 'rlhf-modifies-values'), { free: -0.24, paid: 0 });
    close(change('koorndijk-a', 'rlhf-modifies-values'), { free: -0.24, paid: -0.144 });
    close(change('koorndijk-a', 'duty-to-comply'), { free: 0, paid: -0.18 });
    for (const [of, element] of [['baseline', 'paid-tier-private'], ['baseline', 'share-facts'], ['koorndijk-a', 'deontology-label'], ['koorndijk-a', 'share-facts']]) close(change(of, element), { free: 0, paid: 0 });
  });

  it('holds the true change of each tier and of the gap inside its 95% interval at about 95% of the time', () => {
    let covered = 0;
    let total = 0;
    for (const { effects, truth } of results) {
      for (const e of effects) {
        const on = truth.get(e.statement)!;
        const off = truth.get(`${e.statement}.no-${e.element}`)!;
        const trueChange = { free: off.free - on.free, paid: off.paid - on.paid, gap: off.free - off.paid - (on.free - on.paid) };
        for (const what of ['free', 'paid', 'gap'] as const) {
          total++;
          if (e[what].ci[0] <= trueChange[what] && trueChange[what] <= e[what].ci[1]) covered++;
        }
      }
    }
    assert.equal(total, SEEDS.length * 8 * 3);
    // 384 intervals at 95%: a binomial count below 350 (91%) would happen by chance less than once in 200.
    assert.ok(covered / total >= 0.91 && covered / total <= 0.995, `coverage ${covered}/${total}`);
  });

  it('rejects no effect (joint test, 5%) for the elements that matter and rarely for those that do not', () => {
    const rejected = new Map<string, number[]>();
    for (const { effects } of results) {
      for (const e of effects) {
        const id = `${e.statement}/${e.element}`;
        const list = rejected.get(id) ?? [];
        list.push(e.joint.pValue < 0.05 ? 1 : 0);
        rejected.set(id, list);
      }
    }
    const nulls: number[] = [];
    for (const [id, list] of rejected) {
      const share = list.reduce((a, b) => a + b, 0) / list.length;
      if (MATTER.has(id.split('/')[1])) assert.ok(share >= 0.9, `${id}: rejected in ${share} of seeds`);
      else {
        assert.ok(share <= 0.2, `${id}: rejected in ${share} of seeds (false positives)`);
        nulls.push(...list);
      }
    }
    // 80 tests of elements that do nothing: at 5%, more than 9 rejections would happen by chance about once in 50
    // (a cluster-robust Wald test with 40 clusters runs a little above its level: 7 of 80 here).
    assert.equal(nulls.length, 5 * SEEDS.length);
    assert.ok(nulls.reduce((a, b) => a + b, 0) <= 9);
  });
});

describe('a full-factorial design on the simulator, over a fixed list of seeds', () => {
  // The elements interact in the simulator (without the values sentence, the duty to comply has a smaller
  // gap to close), so the main-effects model is compared with what a factorial's main effect means: the
  // change of turning one element off, averaged over the other elements' on/off combinations.
  const ELEMENTS = ['rlhf-modifies-values', 'duty-to-comply', 'deontology-label'];
  it('holds each averaged change inside its 95% interval at about 95%, and the joint test rejects only for elements that matter', async () => {
    let covered = 0;
    let total = 0;
    const rejected = new Map<string, number>();
    for (const seed of SEEDS.slice(0, 12)) {
      const spec = `sim/faker?seed=${seed}&multiturn=0&quote=0&fail=0&notags=0&truncate=0`;
      const config = parseExperiment({ models: [spec], variants: ['koorndijk-a'], reasoning: ['cot'], requests: { source: 'builtin', limit: 40 }, samples: 3, seed, cacheDir: join(dir, 'cache'), ablation: { design: 'full-factorial', elements: ELEMENTS } });
      const model = createSimulatedModel(parseModelSpec(spec));
      const params = personaParams(parseModelSpec(spec));
      const accumulator = new AblationAccumulator();
      const truth = new Map<string, Truth>();
      for (const sample of await preparePlan(config)) {
        const messages = [{ role: 'system' as const, content: sample.systemPrompt }, { role: 'user' as const, content: sample.userTurn }];
        const t = truth.get(sample.variant) ?? { free: NaN, paid: NaN };
        t[sample.tier] = complianceProbability(readCues(messages), params);
        truth.set(sample.variant, t);
        const response = await model.chat({ messages, temperature: 1, maxTokens: 4000, seed: sample.params.seed, prefill: '<' });
        accumulator.add({ ...sample, run: 'coverage', simulated: true, labels: { proxy: { complied: response.simulatedTruth!.complied } } } as unknown as SampleRecord);
      }
      const name = (off: string[]) => ['koorndijk-a', ...ELEMENTS.filter((e) => off.includes(e)).map((e) => `no-${e}`)].join('.');
      for (const e of accumulator.result({ label: 'proxy' })!.effects) {
        const others = ELEMENTS.filter((x) => x !== e.element);
        const combinations = [[], [others[0]], [others[1]], others];
        const average = (what: (on: Truth, off: Truth) => number) => combinations.reduce((sum, off) => sum + what(truth.get(name(off))!, truth.get(name([...off, e.element]))!), 0) / combinations.length;
        const trueChange = { free: average((on, off) => off.free - on.free), paid: average((on, off) => off.paid - on.paid), gap: average((on, off) => off.free - off.paid - (on.free - on.paid)) };
        for (const what of ['free', 'paid', 'gap'] as const) {
          total++;
          if (e[what].ci[0] <= trueChange[what] && trueChange[what] <= e[what].ci[1]) covered++;
        }
        rejected.set(e.element, (rejected.get(e.element) ?? 0) + (e.joint.pValue < 0.05 ? 1 : 0));
      }
    }
    assert.equal(total, 12 * 3 * 3);
    // 108 intervals at 95%: below 97 (90%) would happen by chance about once in 50 (102 on this seed list).
    assert.ok(covered >= 97, `coverage ${covered}/${total}`);
    assert.ok(rejected.get('rlhf-modifies-values')! >= 11 && rejected.get('duty-to-comply')! >= 11, JSON.stringify([...rejected]));
    assert.ok(rejected.get('deontology-label')! <= 2, JSON.stringify([...rejected]));
  });
});
