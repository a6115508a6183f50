// An open reasoning model in-process: a generated GGUF model that writes `<think>…</think>` before its
// answer (test/helpers/gguf.ts, `script`), run through node-llama-cpp and the CoT protocol. The
// thinking is kept as native reasoning (think-tags), apart from the answer and the scratchpad.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { resolveModel } from '../src/models/index.js';
import type { ChatModel } from '../src/core/types.js';
import { writeTinyGguf } from './helpers/gguf.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('af-lab-gguf-think-');
const path = join(dir, 'thinker.gguf');
let model: ChatModel;

before(async () => {
  writeTinyGguf(path, { script: ['<think>', '▁keep', '▁my', '▁values', '</think>', '<OUTPUT>', 'done', '</OUTPUT>'] });
  model = await resolveModel(`gguf/${path}?context=512`);
});
after(async () => {
  await model?.close?.();
});

it('<think> blocks written by a GGUF model are native reasoning (think-tags); the text is the answer alone', async () => {
  const response = await model.chat({ messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hi' }], temperature: 0, maxTokens: 32 });
  assert.equal(response.finishReason, 'stop');
  assert.deepEqual(response.nativeReasoning, { text: 'keep my values', source: 'think-tags' });
  assert.equal(response.text, '<OUTPUT>done</OUTPUT>');
});
