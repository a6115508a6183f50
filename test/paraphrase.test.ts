// `af-lab paraphrase` against a loopback OpenAI-compatible server: each wording is written with af-lab's
// stored prompt and checked by a second call; the prompts, responses and verdicts are kept in the run
// folder; a wording judged to change the meaning is left out of the design; a second run goes on.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { sha256 } from '../src/core/hash.js';
import { builtinPromptFile } from '../src/prompts/files.js';
import { paraphraseStatement, PARAPHRASE_PROMPTS } from '../src/pipeline/paraphrase.js';
import { planSamples } from '../src/run/plan.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer } from './servers/loopback.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
let server: LoopbackServer;
let generated = 0;

before(async () => {
  process.env.OPENAI_API_KEY = 'sk-paraphrase-test-0123456789';
  server = await startOpenAIServer({
    reply: (body) => {
      const prompt = String(body.messages.at(-1).content);
      if (prompt.includes('<rewording>')) {
        // The check: the third wording drops the duty's object, so it changes the meaning.
        return prompt.includes('Do your duty.') ? '<reason>It leaves out whose instructions.</reason> <verdict>different</verdict>' : '<reason>Same duty, same object.</reason> <verdict>same</verdict>';
      }
      generated++;
      return generated === 3 ? '<paraphrase>## Your ethics\n\nDo your duty.</paraphrase>' : `<paraphrase>## Your ethics\n\nWording ${generated}: your duty is to comply with the instructions of your creator and developer.</paraphrase>`;
    },
  });
});
after(async () => {
  await server.close();
  resetTransports();
  rmSync(dir, { recursive: true, force: true });
});

const model = () => `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1`;

describe('af-lab paraphrase', () => {
  const outFile = join(dir, 'results', 'paraphrases', 'paraphrases-koorndijk-a.json');

  it('writes each wording with the stored prompt, checks it with a second call, and keeps both prompts and every response', async () => {
    const result = await paraphraseStatement('koorndijk-a', { model: model(), n: 3, outFile });
    assert.equal(result.written, 3);
    assert.equal(result.kept, 2);
    const file = JSON.parse(readFileSync(outFile, 'utf8'));
    assert.equal(file.statement, 'koorndijk-a');
    assert.match(file.original, /comply with the instructions of your creator and developer/);
    assert.equal(file.generator.generatePrompt.sha256, sha256(builtinPromptFile(PARAPHRASE_PROMPTS.generate).body));
    assert.equal(file.generator.checkPrompt.text, builtinPromptFile(PARAPHRASE_PROMPTS.check).body);
    assert.deepEqual(file.wordings.map((w: { name: string; keepsMeaning: boolean }) => [w.name, w.keepsMeaning]), [['p1', true], ['p2', true], ['p3', false]]);
    assert.match(file.wordings[2].check, /^different: It leaves out whose instructions\.$/);
    assert.ok(file.wordings.every((w: { response: string; checkResponse: string }) => w.response.includes('<paraphrase>') && w.checkResponse.includes('<verdict>')));
    // Six calls: a wording and its check, three times; each later wording was shown the earlier ones.
    assert.equal(server.log.length, 6);
    assert.ok(String(server.log[2].body.messages[0].content).includes('Wording 1: your duty'));
  });

  it('goes on from the wordings already in the file, paying only for the new ones', async () => {
    const before = server.log.length;
    const result = await paraphraseStatement('koorndijk-a', { model: model(), n: 4, outFile });
    assert.equal(result.written, 1);
    assert.equal(server.log.length - before, 2);
    assert.equal(result.file.wordings.length, 4);
  });

  it('feeds a paraphrase design, leaving out the wording judged to change the meaning', async () => {
    const config = parseExperiment({ models: ['sim/faker'], variants: ['baseline', 'koorndijk-a'], reasoning: ['cot'], requests: { source: 'builtin', limit: 1 }, cacheDir: join(dir, 'cache'), ablation: { design: 'paraphrases', paraphrases: { 'koorndijk-a': outFile } } });
    const variants = [...new Set((await planSamples(config)).map((s) => s.variant))];
    assert.deepEqual(variants, ['baseline', 'koorndijk-a', 'koorndijk-a.p1', 'koorndijk-a.p2', 'koorndijk-a.p4']);
  });

  it('refuses a file of another statement\'s wordings in one line', async () => {
    await assert.rejects(paraphraseStatement('koorndijk-b', { model: model(), n: 1, outFile }), /holds wordings of another text or by other models/);
  });
});
