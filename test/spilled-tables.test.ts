// A run of a million samples reads in the memory of ten thousand because its per-record tables (the
// plan's keys and states, the judgement index's keys and offsets, the keys of records.jsonl) keep a
// fixed budget in memory and the rest in scratch files (core/pagedArray.ts). Here the budget is one
// page per array, so a run of 960 records spills on every path: what each path gives must equal what
// it gives with everything in memory.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment, type ExperimentConfig } from '../src/core/config.js';
import { PAGE_BYTES, pagedMemory } from '../src/core/pagedArray.js';
import { ScratchFile } from '../src/core/scratchFile.js';
import { OUTPUTS_STAMP } from '../src/pipeline/outputsStamp.js';
import { openRun } from '../src/pipeline/openRun.js';
import { runExperiment, type ExperimentOutcome } from '../src/pipeline/experiment.js';
import { tempDir } from './helpers/tmp.js';

/** Run `body` with every PagedArray made meanwhile keeping one page in memory; the scratch files it opened. */
async function spilling<T>(body: () => Promise<T> | T): Promise<{ value: T; opened: number }> {
  const before = pagedMemory.residentBytes;
  const opened = ScratchFile.opened;
  pagedMemory.residentBytes = PAGE_BYTES;
  try {
    return { value: await body(), opened: ScratchFile.opened - opened };
  } finally {
    pagedMemory.residentBytes = before;
  }
}

describe('per-record tables in scratch files give what they give in memory', () => {
  const dir = tempDir();
  const configFor = (name: string): ExperimentConfig =>
    parseExperiment({
      name, models: ['sim/faker?seed=4'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin' },
      samples: 4, afVotes: 2, judge: 'sim/judge', concurrency: 8, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures'),
    });
  let inMemory: ExperimentOutcome;
  before(async () => {
    inMemory = await runExperiment(configFor('memory'), { figures: false, report: false, keepRecords: false });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const labelsOf = (runDir: string) => [...openRun(runDir).records()].map((r) => JSON.stringify(r.labels));

  it('a fresh run (plan keys, early-judged keys, judgement index spilled): the same records, judgements and summary', async () => {
    assert.equal(inMemory.recordCount, 960);
    const { value: spilled, opened } = await spilling(() => runExperiment(configFor('spilled'), { figures: false, report: false, keepRecords: false }));
    assert.ok(opened >= 4, `scratch files opened: ${opened}`);
    assert.deepEqual({ ...spilled.summary, run: 'memory' }, inMemory.summary);
    assert.deepEqual(labelsOf(spilled.runDir).sort(), labelsOf(inMemory.runDir).sort());
  });

  it('reading a run (keys of records.jsonl and the judgement index spilled): the same labelled records and summary', async () => {
    const { value, opened } = await spilling(() => ({ labels: labelsOf(inMemory.runDir), summary: openRun(inMemory.runDir).summary() }));
    assert.ok(opened >= 2, `scratch files opened: ${opened}`);
    assert.deepEqual(value.labels, labelsOf(inMemory.runDir));
    assert.deepEqual(value.summary, openRun(inMemory.runDir).summary());
  });

  it('a resumed run (its stamp gone: everything read again) gives the same summary', async () => {
    rmSync(join(inMemory.runDir, OUTPUTS_STAMP));
    const { value: resumed, opened } = await spilling(() => runExperiment(configFor('memory'), { figures: false, report: false, keepRecords: false }));
    assert.ok(opened >= 2, `scratch files opened: ${opened}`);
    assert.notEqual(resumed.upToDate, true, 'read again, not answered from the stamp');
    assert.deepEqual(resumed.summary, inMemory.summary);
  });
});
