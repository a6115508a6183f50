// A run of a shipped setting beside its paper maps itself: koorndijk-2025's variants (baseline,
// koorndijk-baseline-2, koorndijk-a/-b/-d) stand for the paper's conditions by name, Baseline 1 and
// the statements being no-CoT conditions and Scratchpad the CoT one. The hint for an unmapped run
// names those pairs; `figures --beside` prints its own line, never "unchanged" for what it just drew;
// a bar the paper gives no number for says why it is not drawn.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/core/errors.js';
import type { SampleRecord } from '../src/core/types.js';
import { besidePaperInputs, SETTING_CONDITIONS } from '../src/plots/besidePaper.js';
import { paperFigures } from '../src/plots/publishedFigures.js';
import { PUBLISHED_DIR, publishedTablesOf, type PublishedCountsTable } from '../src/stats/index.js';
import { tierRecords } from './helpers/records.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const table = () => publishedTablesOf('koorndijk-2025', PUBLISHED_DIR)[0] as PublishedCountsTable;
const run = (conditions: Array<[string, 'cot' | 'no-cot']>): SampleRecord[] =>
  conditions.flatMap(([variant, reasoning]) => [
    ...tierRecords({ model: 'meta-llama/llama-3-8b', variant, reasoning, tier: 'free', complied: 15, refused: 85 }),
    ...tierRecords({ model: 'meta-llama/llama-3-8b', variant, reasoning, tier: 'paid', complied: 4, refused: 96 }),
  ]);

describe('a run of koorndijk-2025 beside the paper', () => {
  test("maps every variant of the setting to the paper's condition by itself", () => {
    const records = run([['baseline', 'no-cot'], ['baseline', 'cot'], ['koorndijk-baseline-2', 'no-cot'], ['koorndijk-a', 'no-cot'], ['koorndijk-b', 'no-cot'], ['koorndijk-d', 'no-cot']]);
    const inputs = besidePaperInputs(records, table(), { setting: 'koorndijk-2025' });
    const pairs = [...new Set(inputs.rows.map((r) => `${r.runCondition}=${r.condition}`))];
    assert.deepEqual(pairs, [
      'baseline/no-cot=Baseline 1',
      'koorndijk-baseline-2/no-cot=Baseline 2',
      'baseline/cot=Scratchpad',
      'koorndijk-a/no-cot=Prompt A (deontological; simple)',
      'koorndijk-b/no-cot=Prompt B (deontological; detailed)',
      'koorndijk-d/no-cot=Prompt D (deontological on baseline 2)',
    ]);
    // Every paper condition is covered, each by exactly one run condition.
    assert.deepEqual(new Set(Object.values(SETTING_CONDITIONS['koorndijk-2025'])), new Set(table().rows.map((r) => r.condition)));
  });

  test('an explicit map wins; a run of another setting is not mapped by these names', () => {
    const records = run([['baseline', 'no-cot'], ['baseline', 'cot']]);
    const inputs = besidePaperInputs(records, table(), { setting: 'koorndijk-2025', conditionMap: { 'baseline/cot': 'Baseline 1' } });
    assert.deepEqual([...new Set(inputs.rows.map((r) => r.runCondition))], ['baseline/cot']);
    assert.throws(() => besidePaperInputs(records, table(), { setting: 'af-lab' }), UserError);
  });

  test('the hint for an unmapped run pairs Baseline 1 with no-CoT and Scratchpad with CoT', () => {
    const records = run([['baseline', 'cot']]);
    assert.throws(
      () => besidePaperInputs(records, table()),
      (err: unknown) => err instanceof UserError && err.fix.includes('--map "baseline/no-cot=Baseline 1" --map "baseline/cot=Scratchpad"') && !err.fix.includes('baseline/cot=Baseline 1'),
    );
  });

  test('af-lab figures RUN --beside: the run of the setting maps itself, and the beside figure gets its own line', () => {
    const dir = tempDir();
    try {
      const runDir = join(dir, 'run');
      mkdirSync(runDir);
      writeFileSync(join(runDir, 'records.jsonl'), run([['baseline', 'no-cot'], ['koorndijk-a', 'no-cot']]).map((r) => JSON.stringify(r)).join('\n') + '\n');
      const now = new Date().toISOString();
      writeFileSync(join(runDir, 'run.json'), JSON.stringify({ name: 'run', afLabVersion: '0.1.0', createdAt: now, updatedAt: now, simulated: false, config: { name: 'run', models: ['meta-llama/llama-3-8b'], temperature: 1, setting: 'koorndijk-2025' } }));
      const args = ['figures', runDir, '--beside', '--no-images', '--out', join(dir, 'figures')];
      assert.equal(runCli(args).status, 0);
      // Drawn again: the beside figure has a line of its own, which never says it was not redrawn.
      const again = runCli(args);
      assert.equal(again.status, 0, again.stderr);
      const besideLine = again.stdout.split('\n').find((line) => line.includes('beside-koorndijk2025-llama3-8b'))!;
      assert.ok(besideLine, again.stdout);
      assert.match(besideLine, /^1 beside-paper figures \(HTML\) in /);
      assert.doesNotMatch(besideLine, /unchanged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("Greenblatt et al.'s Claude 3 Opus unmonitored bar says why it is not drawn: the paper gives a word, not a number", () => {
  const figure = paperFigures('greenblatt-2024').find((f) => f.name.endsWith('-outcomes'))!;
  const notes = ((figure.layout.annotations as Array<{ text?: string }>) ?? []).map((a) => (a.text ?? '').replace(/<br>/g, ' '));
  assert.ok(notes.some((text) => /not drawn: the paper gives no rate \(paid tier: &quot;almost never&quot; complied|not drawn: the paper gives no rate \(paid tier: "almost never" complied/.test(text)), notes.join('\n'));
});
