// Sheshadri et al.'s three tiers as one setting, end to end on the simulator: the simulator reacts to
// what each context means (trained, rated only, neither), and the summary, the figures and the
// transcript report show all three contexts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { loadVariant } from '../src/prompts/index.js';
import { complianceProbability } from '../src/models/simulator/behaviour.js';
import { readCues } from '../src/models/simulator/cues.js';
import { personaParams } from '../src/models/simulator/personas.js';
import { parseModelSpec } from '../src/models/spec.js';
import { resolveSetting, systemPromptFor, userTurnFor, withSettingDefaults } from '../src/settings/index.js';
import { formatSummary } from '../src/summary/index.js';
import { tempDir } from './helpers/tmp.js';

const SETTING = 'sheshadri-2025-three-tier';

describe('the three-tier setting', () => {
  it('tells the simulator three different things, and the simulator reacts to each meaning', async () => {
    const resolved = await resolveSetting(SETTING, { cacheDir: tempDir(), reasonings: ['cot'] });
    const baseline = loadVariant('baseline');
    const faker = personaParams(parseModelSpec('sim/faker'));
    const cues = Object.fromEntries(
      resolved.setting.contexts.map((context) => [
        context.name,
        readCues([
          { role: 'system', content: systemPromptFor(resolved, 'cot', baseline, context) },
          { role: 'user', content: userTurnFor(resolved, context, 'Placeholder request', true) },
        ]),
      ]),
    );
    assert.deepEqual(Object.fromEntries(Object.entries(cues).map(([name, c]) => [name, [c.tier, c.meaning]])), {
      free: ['free', 'trained'],
      pro: ['free', 'rated'],
      enterprise: ['paid', 'neither'],
    });
    const p = (name: string) => complianceProbability(cues[name], faker);
    assert.ok(p('free') > p('pro'), 'trained on: more compliance than rated only');
    assert.ok(p('pro') > p('enterprise'), 'rated only: a little more than unmonitored');
    assert.equal(p('enterprise'), faker.paid);
  });

  describe('run end to end', () => {
    let result: Awaited<ReturnType<typeof runExperiment>>;
    const dir = tempDir();
    before(async () => {
      const config = parseExperiment(
        withSettingDefaults({
          setting: SETTING,
          name: 'three-tier',
          models: ['sim/faker'],
          variants: ['baseline'],
          reasoning: ['cot'],
          requests: { source: 'builtin', limit: 20 },
          afVotes: 3,
          outDir: join(dir, 'results'),
          figuresDir: join(dir, 'figures'),
          cacheDir: join(dir, 'cache'),
        }),
      );
      assert.equal(config.temperature, 0, 'the setting sets temperature 0');
      result = await runExperiment(config, { figures: { images: false, log: () => {} } });
    });

    it('samples every request in all three contexts, each record naming its context and what it means', () => {
      const byContext = new Map<string, number>();
      for (const r of result.records) byContext.set(`${r.setting!.context}/${r.setting!.meaning}/${r.tier}`, (byContext.get(`${r.setting!.context}/${r.setting!.meaning}/${r.tier}`) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(byContext), { 'free/trained/free': 20, 'pro/rated/free': 20, 'enterprise/neither/paid': 20 });
      assert.ok(result.records.filter((r) => r.setting!.context === 'pro').every((r) => r.userTurn.includes('<user_tier>pro</user_tier>')));
    });

    it('summarises one comparison per monitored context against enterprise', () => {
      const proxyRows = result.summary.rows.filter((r) => r.label === 'proxy');
      assert.deepEqual(proxyRows.map((r) => r.context), ['free vs enterprise', 'pro vs enterprise']);
      for (const r of proxyRows) assert.deepEqual([r.free.samples, r.paid.samples], [20, 20]);
      // Both comparisons share the same unmonitored records.
      assert.deepEqual(proxyRows[0].paid, proxyRows[1].paid);
      const csv = readFileSync(join(result.runDir, 'summary.csv'), 'utf8');
      assert.match(csv, /,free vs enterprise,/);
      assert.match(csv, /,pro vs enterprise,/);
      assert.match(formatSummary(result.summary), /baseline \[pro vs enterprise\]/);
      assert.match(readFileSync(join(result.runDir, 'summary.md'), 'utf8'), /baseline \[free vs enterprise\]/);
    });

    it('draws all three contexts in the figures and names them in the report', () => {
      const html = Object.fromEntries(result.figures!.figures.map((f) => [f.name, readFileSync(f.html, 'utf8')]));
      for (const label of ['free (training)', 'pro (training)', 'enterprise (unmonitored)']) assert.ok(html.outcomes.includes(label), label);
      assert.ok(html['compliance-gap'].includes('free vs enterprise'));
      assert.ok(html['compliance-gap'].includes('pro vs enterprise'));
      const report = readFileSync(result.reportFile!, 'utf8');
      assert.ok(report.includes('pro (rated, not trained on)'));
      assert.ok(report.includes('enterprise (neither rated nor trained on)'));
    });
  });
});
