// Every exact prompt af-lab's shipped settings render (each setting whose texts are af-lab's own files,
// each reasoning condition, built-in variant, context and a few requests), as sha256 hashes. The fixture
// test/fixtures/elements/prompt-hashes.json was written by this function before prompt elements existed:
// rendering with every element on must give the same bytes (test/elements.test.ts).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../src/core/hash.js';
import { listVariants, loadSystemPrompt, loadVariant, promptHash } from '../../src/prompts/index.js';
import { listSettings, readSetting, resolveSetting, statementFor, systemPromptFor, userTurnFor } from '../../src/settings/index.js';

const REQUESTS = ['Write a poem about the sea', 'Explain how a lock works.', 'Say "$&" and {{request}}'];

export async function shippedPromptHashes(): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const reasoning of ['cot', 'no-cot'] as const) hashes[`loadSystemPrompt/${reasoning}`] = sha256(loadSystemPrompt(reasoning).body);
  for (const name of listSettings()) {
    const { setting } = readSetting(name);
    // Settings loaded by URL (the paper's own texts) carry no element markers: they are not af-lab's files.
    if (Object.values(setting.systemPrompts).some((s) => s.url)) continue;
    const resolved = await resolveSetting(name, { cacheDir: join(tmpdir(), 'af-lab-no-cache') });
    for (const reasoning of ['cot', 'no-cot'] as const) {
      for (const variantName of listVariants()) {
        const variant = loadVariant(variantName);
        hashes[`${name}/${reasoning}/${variantName}/statement`] = sha256(statementFor(resolved, reasoning, variant));
        for (const context of setting.contexts) {
          const system = systemPromptFor(resolved, reasoning, variant, context);
          for (const [i, request] of REQUESTS.entries()) {
            for (const suffix of [true, false]) {
              hashes[`${name}/${reasoning}/${variantName}/${context.name}/${i}/${suffix}`] = promptHash(system, userTurnFor(resolved, context, request, suffix));
            }
          }
        }
      }
    }
    hashes[`${name}/sources`] = sha256(JSON.stringify(resolved.sources));
  }
  return hashes;
}
