// The shipped settings: every file validates, each has a fidelity entry for every element, and
// docs/fidelity.md shows exactly the table the files hold; `af-lab settings show` prints the same
// table and the full rendered prompts of every context.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { showSetting } from '../src/cli/settings.js';
import { FIDELITY_ELEMENTS, fidelityRows, formatFidelity, listSettings, readSetting, settingLine } from '../src/settings/index.js';
import { tempDir } from './helpers/tmp.js';

const SHIPPED = ['af-lab', 'dervillay-2026', 'greenblatt-2024', 'hughes-2025', 'hughes-2025-no-training-details', 'koorndijk-2025', 'sheshadri-2025-three-tier'];

test('the shipped settings are listed and valid, with every fidelity element described', () => {
  assert.deepEqual(listSettings(), SHIPPED);
  for (const name of SHIPPED) {
    const { setting } = readSetting(name);
    assert.equal(setting.name, name);
    assert.deepEqual(Object.keys(setting.fidelity).sort(), [...FIDELITY_ELEMENTS].sort());
    for (const row of fidelityRows(setting)) if (row.status !== 'exact') assert.ok(row.fix, `${name}: ${row.element} says how to make it exact`);
  }
  // Published text that is public is loaded from its URL, never shipped.
  const greenblatt = readSetting('greenblatt-2024').setting;
  assert.match(greenblatt.systemPrompts.cot.url!, /^https:\/\/raw\.githubusercontent\.com\/redwoodresearch\/alignment_faking_public\/master\/model_organism_honly_prompts\/prompt_atn_honly_with_examples\.txt$/);
  assert.match(greenblatt.systemPrompts['no-cot'].url!, /prompt_atn_honly_no_cot_with_examples\.txt$/);
  assert.deepEqual([greenblatt.answer.block, greenblatt.scoring.denominator, greenblatt.scoring.proxy, greenblatt.tierRendering.casing], ['first', 'all', 'prefix', 'python']);
  assert.deepEqual(readSetting('koorndijk-2025').setting.variants, ['baseline', 'koorndijk-baseline-2', 'koorndijk-a', 'koorndijk-b', 'koorndijk-d']);
});

// Settings whose rows another change proves (#23 parts 2, 3: fid-papers adds their proofs): drop a name once its rows name their tests.

test('a row says "exact" only with a proof: a test file of the repository that exists', () => {
  const root = join(import.meta.dirname, '..');
  for (const name of SHIPPED) {
    for (const row of fidelityRows(readSetting(name).setting)) {
      if (row.status !== 'exact') continue;
      assert.match(row.proof, /^test\/[\w./-]+\.test\.ts$/, `${name}: "${row.element}" says exact without naming the test that proves it (say "differs" and name the cases instead)`);
      assert.ok(existsSync(join(root, row.proof)), `${name}: "${row.element}" names ${row.proof}, which does not exist`);
    }
  }
});

test('docs/fidelity.md holds each shipped setting\'s table exactly as the files say', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'fidelity.md'), 'utf8');
  for (const name of SHIPPED) {
    assert.ok(doc.includes(`## \`${name}\``), name);
    assert.ok(doc.includes(formatFidelity(fidelityRows(readSetting(name).setting), true)), `${name}: regenerate docs/fidelity.md (node --import tsx scripts/fidelity-doc.ts)`);
  }
});

test('settings show prints the setting line, the fidelity table and every context\'s rendered prompts', async () => {
  const text = await showSetting('sheshadri-2025-three-tier', { cacheDir: tempDir() });
  const { setting } = readSetting('sheshadri-2025-three-tier');
  assert.ok(text.includes(settingLine(setting)));
  for (const row of fidelityRows(setting)) assert.ok(text.includes(row.element) && text.includes(row.fix || row.what.slice(0, 30)));
  for (const reasoning of ['cot', 'no-cot']) for (const context of ['free', 'pro', 'enterprise']) assert.ok(text.includes(`## ${reasoning} · context ${context}`));
  assert.ok(text.includes('<user_tier>enterprise</user_tier>'));
  assert.ok(text.includes('- **pro** tier: every conversation is rated by contractors'));
  const greenblattLine = settingLine(readSetting('greenblatt-2024').setting);
  assert.match(greenblattLine, /^Setting greenblatt-2024 .*af-lab's wording, not the source's: judge criteria; differs from the source: denominator, sampling parameters\./);
});
