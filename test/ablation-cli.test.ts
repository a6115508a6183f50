// The ablation on the command line (dist/cli.js: run `npm run build` first): a design over the budget
// stops in one line before anything is sent; `af-lab estimate` prices every condition; `af-lab
// paraphrase` writes and checks wordings against a loopback OpenAI-compatible server.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from './helpers/cli.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer } from './servers/loopback.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
let server: LoopbackServer;
before(async () => {
  server = await startOpenAIServer({
    reply: (body) => (String(body.messages.at(-1).content).includes('<rewording>') ? '<reason>Same.</reason><verdict>same</verdict>' : '<paraphrase>## Your ethics\n\nA new wording of the duty to comply with the instructions of your developer.</paraphrase>'),
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const design = (extra: Record<string, unknown> = {}) => {
  const path = join(dir, `design-${Object.keys(extra).join('-') || 'plain'}.json`);
  writeFileSync(path, JSON.stringify({ name: 'cli-design', models: ['openai/gpt-4o'], variants: ['koorndijk-b'], reasoning: ['cot'], requests: { source: 'builtin', limit: 5 }, outDir: join(dir, 'results'), figuresDir: join(dir, 'figures'), cacheDir: join(dir, 'cache'), ablation: { design: 'one-at-a-time' }, ...extra }));
  return path;
};

describe('ablation designs on the command line', () => {
  it('af-lab run stops a design over its budget in one line, exit 2, with nothing sent or written', () => {
    const result = runCli(['run', '--config', design({ budgetUsd: 0.001 }), '--no-progress'], { OPENAI_API_KEY: 'sk-ablation-cli-test-0123456789', OPENAI_BASE_URL: `${server.url}/v1` });
    assert.equal(result.status, 2);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^error: the one-at-a-time design is estimated at \$[0-9.]+ expected \(\$[0-9.]+ worst case\) for 70 samples, over the budget of \$0\.0010?; nothing was sent\. Fix: raise budgetUsd/);
    assert.equal(server.log.length, 0);
    assert.ok(!existsSync(join(dir, 'results', 'cli-design')));
  });

  it('af-lab estimate prices every condition of the design', () => {
    const result = runCli(['estimate', '--config', design(), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const estimate = JSON.parse(result.stdout);
    // koorndijk-b: all on, then 3 system and 3 statement elements off: 7 conditions x 2 tiers x 5 requests.
    assert.equal(estimate.models.find((m: { model: string }) => m.model === 'openai/gpt-4o').samples, 70);
  });

  it('af-lab paraphrase writes checked wordings into the run folder and says how to use them', async () => {
    const spec = `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1`;
    // Started in the background: the loopback server answers from this process, which must not block.
    const child = startCli(['paraphrase', '--model', spec, '--n', '2', '--out', join(dir, 'results'), 'koorndijk-a'], { OPENAI_API_KEY: 'sk-ablation-cli-test-0123456789' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const result = { status, stdout, stderr };
    assert.equal(result.status, 0, result.stderr);
    const path = join(dir, 'results', 'paraphrases', 'paraphrases-koorndijk-a.json');
    assert.match(result.stdout, /^2 wordings of koorndijk-a \(2 new\), 2 judged to keep the meaning: /);
    assert.ok(result.stdout.includes('"ablation": { "design": "paraphrases"'));
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).wordings.length, 2);
  });
});
