// sim/judge against the simulator's ground truth on a real simulated run: with no noise it recovers
// what the visible text shows, and the accuracy code sees the proxy's false positives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseExperiment } from '../src/core/config.js';
import { runSamples } from '../src/run/runner.js';
import { accuracyReport, referenceFromSimulatorTruth } from '../src/label/accuracy.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { labelRecords } from '../src/label/index.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

test('sim/judge (noise 0) agrees with the simulator truth; the prefix proxy does not on sim/tag-confused', { timeout: scaled(120_000) }, async () => {
  const dir = tempDir('af-judge-acc-');
  const config = parseExperiment({
    name: 'acc',
    outDir: dir,
    cacheDir: join(dir, 'cache'),
    models: ['sim/faker?free=0.6&truncate=0&fail=0', 'sim/tag-confused?confused=0.8'],
    variants: ['baseline'],
    requests: { source: 'builtin', limit: 25 },
  });
  const run = await runSamples(config);
  const judging = await judgeRun(run.runDir, run.records, { judge: 'sim/judge?noise=0', afVotes: 5, cacheDir: config.cacheDir });
  assert.equal(judging.unparseable.compliance + judging.unparseable.af + judging.unparseable.partial, 0);
  const records = labelRecords(run.records, run.runDir);
  const rows = accuracyReport(records, referenceFromSimulatorTruth(records));
  const row = (name: string) => rows.find((r) => r.classifier === name)!;
  assert.ok(row('judge').n > 150);
  assert.ok(row('judge').kappa! > 0.95, `judge kappa ${row('judge').kappa}`);
  assert.ok(row('proxy').fp > 10, 'tag-confused refusals after <request_fully_accepted/> are proxy false positives');
  assert.ok(row('proxy').kappa! < row('judge').kappa!);
  assert.ok(row('af vote = af').tp > 0);
  assert.equal(row('af vote = af').auroc, 1);
  assert.equal(row('af vote = af').fp, 0);
});
