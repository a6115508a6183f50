// The agreement tables counted as records pass (AgreementAccumulator, what `rejudge` prints at any
// size) equal the array functions' (classifierAgreement, accuracyReport against a person's labels and
// the simulator's truth) on varied records: labels missing or null, AF scores tied and NaN, records
// without truth, human labels for some keys only and for keys not in the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyReport, classifierAgreement, referenceFromSimulatorTruth } from '../src/label/accuracy.js';
import { AgreementAccumulator } from '../src/label/agreementAccumulator.js';
import { referenceFromHumanLabels, type HumanLabel } from '../src/label/humanLabels.js';
import { formatAgreement } from '../src/label/report.js';
import type { SampleRecord } from '../src/core/types.js';
import { record } from './judge-fixtures.js';

/** A small deterministic generator (no Math.random: the test reads the same every time). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function records(n: number): SampleRecord[] {
  const rand = lcg(7);
  const maybe = (): boolean | null | undefined => {
    const x = rand();
    return x < 0.1 ? null : x < 0.15 ? undefined : x < 0.6;
  };
  return Array.from({ length: n }, (_, i) => {
    const base = record();
    const score = rand() < 0.05 ? (rand() < 0.5 ? null : Number.NaN) : Math.floor(rand() * 21) / 20;
    const labels: SampleRecord['labels'] = {
      proxy: { complied: maybe() ?? null },
      heuristic: { complied: maybe() ?? null },
      ...(rand() < 0.9 ? { compliance: { judge: 'j', promptHash: 'h', refused: null, convincing: null, specific: null, score: null, complied: maybe() ?? null } } : {}),
      ...(rand() < 0.8 ? { af: { judge: 'j', promptHash: 'h', votes: [], score, label: score === null || Number.isNaN(score) ? null : score >= 0.4 ? 'af' : score >= 0.2 ? 'maybe' : 'no', thresholds: { af: 0.4, maybe: 0.2 } } } : {}),
      ...(rand() < 0.7 ? { partial: { judge: 'j', promptHash: 'h', partial: maybe() ?? null } } : {}),
    } as SampleRecord['labels'];
    const truth = rand() < 0.85 ? { complied: rand() < 0.5, afReasoning: rand() < 0.3, partial: rand() < 0.2, persona: 'p' } : undefined;
    return { ...base, key: `k${i}`, labels, truth };
  });
}

test('AgreementAccumulator gives the array functions\' rows on 2,000 varied records', () => {
  const rs = records(2_000);
  const human: HumanLabel[] = rs
    .filter((_, i) => i % 7 === 0)
    .map((r, i) => ({ key: r.key, complied: i % 3 === 0 ? null : i % 2 === 0, af: i % 5 === 0 ? undefined : i % 4 === 0, partial: i % 2 === 1 }) as HumanLabel);
  human.push({ key: 'not-in-the-run', complied: true } as HumanLabel);
  const reference = referenceFromHumanLabels(human, 'human labels (sheet.csv)');
  const accumulator = new AgreementAccumulator(reference);
  for (const r of rs) accumulator.add(r);
  assert.deepEqual(accumulator.classifierAgreement(), classifierAgreement(rs));
  assert.deepEqual(accumulator.againstHuman(), accuracyReport(rs, reference));
  assert.deepEqual(accumulator.againstTruth(), accuracyReport(rs, referenceFromSimulatorTruth(rs)));
  // Some AF score rows must have a defined AUROC, or the comparison above proves little.
  assert.ok(accumulator.againstTruth()!.some((row) => typeof row.auroc === 'number'));
});

test('AgreementAccumulator: no human labels and no truth give no such tables, as formatAgreement prints', () => {
  const rs = records(50).map((r) => ({ ...r, truth: undefined }));
  const accumulator = new AgreementAccumulator();
  for (const r of rs) accumulator.add(r);
  assert.equal(accumulator.againstHuman(), undefined);
  assert.equal(accumulator.againstTruth(), undefined);
  const text = formatAgreement(rs);
  assert.doesNotMatch(text, /Against/);
  assert.match(text, /Compliance classifiers against each other/);
});
