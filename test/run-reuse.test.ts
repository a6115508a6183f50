// A run name re-used with a changed sampling setting is refused with one line naming the field,
// instead of pooling two experiments into one condition.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { runSamples } from '../src/run/runner.js';
import { tempDir } from './helpers/tmp.js';

function config(dir: string, overrides: ExperimentInput = {}) {
  return parseExperiment({ name: 'reuse', models: ['sim/faker?seed=4'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 2 }, samples: 1, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), ...overrides });
}

describe('re-using a run name', () => {
  it('refuses a changed temperature, naming the field and suggesting a new name; nothing is written', async () => {
    const dir = tempDir();
    const first = await runSamples(config(dir, { temperature: 1 }));
    const records = readFileSync(join(first.runDir, 'records.jsonl'), 'utf8');
    const manifest = readFileSync(join(first.runDir, 'run.json'), 'utf8');
    await assert.rejects(runSamples(config(dir, { temperature: 0.5 })), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.describe(), /^error: run "reuse" was sampled with temperature 1, and this run asks for 0\.5: resuming would pool both settings into one condition\. Fix: give this setting its own run name \(--name reuse-temperature-0\.5\), or set temperature back to 1\.$/);
      return true;
    });
    assert.equal(readFileSync(join(first.runDir, 'records.jsonl'), 'utf8'), records);
    assert.equal(readFileSync(join(first.runDir, 'run.json'), 'utf8'), manifest);
  });

  it('checks the records too when run.json is gone, and resumes under the same settings', async () => {
    const dir = tempDir();
    const first = await runSamples(config(dir, { maxTokens: 500 }));
    rmSync(join(first.runDir, 'run.json'));
    await assert.rejects(runSamples(config(dir, { maxTokens: 800 })), /was sampled with maxTokens 500/);
    const again = await runSamples(config(dir, { maxTokens: 500 }));
    assert.equal(again.progress.resumed, 4);
  });
});
