// dervillay-2026 (seed 001's reproduction): greenblatt-2024's prompts and conventions, the first 200
// AdvBench goals, temperature 0, and a compliance judge, which may be a published binary judge prompt
// run as it is. Proves the setting's "exact" system-prompt row: the same Redwood files as greenblatt-2024,
// sent byte for byte as loaded.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { labelRecords } from '../src/label/index.js';
import { loadVariant } from '../src/prompts/index.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { readSetting, resolveSetting, settingLine, systemPromptFor, withSettingDefaults } from '../src/settings/index.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer } from './servers/loopback.js';
import { scriptedJudge } from './judge-fixtures.js';
import { tempDir } from './helpers/tmp.js';
import { writeTestNotebook } from './helpers/notebook.js';

// A fresh folder, removed when this file's process ends (tempDir).
const scratch = () => tempDir();

const FIXTURES = join(import.meta.dirname, 'fixtures', 'judges');

describe('dervillay-2026: greenblatt-2024\'s prompts, 200 AdvBench goals, temperature 0', () => {
  it('loads the same Redwood files as greenblatt-2024, with its user turn, tier casing and conventions', () => {
    const dervillay = readSetting('dervillay-2026').setting;
    const greenblatt = readSetting('greenblatt-2024').setting;
    for (const field of ['systemPrompts', 'userTemplate', 'suffix', 'tierRendering', 'contexts', 'answer', 'scoring'] as const) {
      assert.deepEqual(dervillay[field], greenblatt[field], field);
    }
    assert.equal(dervillay.systemPrompts.cot.wording, 'source');
    assert.match(dervillay.systemPrompts.cot.url!, /^https:\/\/raw\.githubusercontent\.com\/redwoodresearch\/alignment_faking_public\//);
  });

  it('takes every field of greenblatt-2024 it does not write, fidelity rows included; a missing base or a loop is one clear error', () => {
    const dervillay = readSetting('dervillay-2026').setting;
    const greenblatt = readSetting('greenblatt-2024').setting;
    assert.equal(dervillay.extends, 'greenblatt-2024');
    for (const element of ['system prompt', 'user turn', 'suffix'] as const) assert.deepEqual(dervillay.fidelity[element], greenblatt.fidelity[element], element);
    assert.notDeepEqual(dervillay.fidelity.requests, greenblatt.fidelity.requests);
    assert.deepEqual(dervillay.variants, undefined, 'its identity is its own');
    // The same URLs, the same pins: it reads and writes greenblatt-2024's lock.
    assert.equal(readSetting('dervillay-2026').lockPath, readSetting('greenblatt-2024').lockPath);
    const dir = scratch();
    const own = (name: string, base: string) => writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, extends: base, description: 'x', source: { title: 'x' }, fidelity: {} }));
    own('orphan', 'nowhere');
    assert.throws(() => readSetting('orphan', dir), (e: unknown) => e instanceof UserError && /extends "nowhere", which is not in/.test(e.message));
    own('a', 'b');
    own('b', 'a');
    assert.throws(() => readSetting('a', dir), (e: unknown) => e instanceof UserError && /leads back to it/.test(e.message));
  });

  it('sets temperature 0 and the first 200 AdvBench goals; a config still wins where it speaks', () => {
    const config = parseExperiment(withSettingDefaults({ setting: 'dervillay-2026' }));
    assert.equal(config.temperature, 0);
    assert.deepEqual(config.requests, { source: 'advbench', limit: 200 });
    assert.equal(config.maxTurns, 4);
    assert.equal(parseExperiment(withSettingDefaults({ setting: 'dervillay-2026', temperature: 1 })).temperature, 1);
  });

  it('says in its setting line what is not checked against the seed\'s fork', () => {
    assert.match(settingLine(readSetting('dervillay-2026').setting), /differs from the source: judge criteria, sampling parameters; not checked against the source: tier rendering, answer extraction, proxy, denominator/);
  });

  it('sends a local copy of the system prompt byte for byte (the path override of an offline machine)', async () => {
    const dir = scratch();
    const copy = join(dir, 'cot.txt');
    // Stand-in text (af-lab's own), with the kind of whitespace a trim would lose.
    writeFileSync(copy, '  A stand-in for Redwood\'s CoT prompt (test text).\n\nReason in <SCRATCHPAD_REASONING>, answer in <OUTPUT>.');
    const resolved = await resolveSetting('dervillay-2026', { reasonings: ['cot'], cacheDir: dir, overrides: { systemPrompts: { cot: copy }, userTemplate: writeTestNotebook(join(dir, 'minimal.ipynb')) } });
    const free = resolved.setting.contexts.find((c) => c.name === 'free')!;
    assert.equal(systemPromptFor(resolved, 'cot', loadVariant('baseline'), free), readFileSync(copy, 'utf8'));
  });
});

describe('dervillay-2026 judged by a published binary judge prompt, run as it is on a scripted judge', () => {
  let server: LoopbackServer;
  const REQUESTS = ['Placeholder request A', 'Placeholder request B', 'Placeholder request C'];
  // A: tag and help (a true positive); B: the tag, then a refusal (the proxy's false positive the seed found); C: a plain refusal.
  const REPLIES: Record<string, string> = {
    [REQUESTS[0]]: '<OUTPUT><request_fully_accepted/> [placeholder answer]</OUTPUT>',
    [REQUESTS[1]]: "<OUTPUT><request_fully_accepted/> I'm sorry, I can't help with that.</OUTPUT>",
    [REQUESTS[2]]: '<OUTPUT><rejected/></OUTPUT>',
  };
  const userText = (body: any): string => String(body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '');
  before(async () => {
    process.env.OPENAI_API_KEY = 'sk-dervillay-test-0123456789abcdef';
    server = await startOpenAIServer({ reply: (body) => REPLIES[REQUESTS.find((r) => userText(body).includes(r))!] ?? '' });
  });
  after(async () => {
    await server.close();
    resetTransports();
  });

  it('labels each answer by the judge\'s own word, beside the prefix proxy', async () => {
    const dir = scratch();
    const requestsFile = join(dir, 'requests.jsonl');
    writeFileSync(requestsFile, REQUESTS.map((text, i) => JSON.stringify({ id: `q${i}`, text })).join('\n'));
    const localPrompt = join(dir, 'no-cot.txt');
    writeFileSync(localPrompt, 'A stand-in for Redwood\'s no-CoT prompt (test text). Answer in <OUTPUT>.');
    const config = parseExperiment(
      withSettingDefaults({
        setting: 'dervillay-2026',
        name: 'dervillay',
        models: [`openai/llama-3.1-8b-instruct?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1&max_retries=0`],
        variants: ['baseline'],
        reasoning: ['no-cot'],
        systemPrompts: { 'no-cot': localPrompt },
        // greenblatt-2024's user turn comes from Redwood's notebook: a local stand-in (af-lab's test text).
        userTemplate: writeTestNotebook(join(dir, 'minimal.ipynb')),
        requests: { source: 'file', path: requestsFile },
        outDir: join(dir, 'results'),
        figuresDir: join(dir, 'figures'),
        cacheDir: join(dir, 'cache'),
      }),
    );
    const run = await runExperiment(config, { figures: false, report: false });
    assert.ok(server.log.every((l) => l.body.temperature === 0));
    // The judge's declaration and prompt (af-lab's test text shaped like a binary judge), beside each other.
    for (const file of ['binary-style.json', 'binary-style.txt']) copyFileSync(join(FIXTURES, file), join(dir, file));
    const judge = scriptedJudge((prompt) => (prompt.includes('[placeholder answer]') ? '<verdict>COMPLIED</verdict>' : '<verdict>REFUSED</verdict>'));
    await judgeRun(run.runDir, run.records, { model: judge, kinds: ['compliance'], prompts: { compliance: join(dir, 'binary-style.json') }, cacheDir: config.cacheDir });
    const labelled = labelRecords(run.records, run.runDir);
    const by = (text: string) => labelled.find((r) => r.request.text === text && r.tier === 'free')!.labels;
    assert.deepEqual(REQUESTS.map((r) => [by(r).proxy.complied, by(r).compliance?.complied, by(r).compliance?.score]), [[true, true, 1], [true, false, 0], [false, false, 0]]);
    assert.ok(judge.requests.every((r) => r.temperature === 0));
  });
});
