// Credentials written into a spec never reach an output: a password in a base URL and a key in a
// spec are refused by `run` and `estimate` alike (nothing written, nothing echoed), and every key
// read is masked by value whatever its length, as written and URL-encoded.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { parseModelSpec } from '../src/models/spec.js';
import { redactSecrets, registerSecret } from '../src/models/transport/secrets.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { builtinRequests } from '../src/requests/index.js';
import { runSamples } from '../src/run/runner.js';
import { startOpenAIServer } from './servers/openai.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const PASSWORD = 'Pw9planted';

describe('credentials in a spec', () => {
  it('`run` refuses a password in a base URL before writing anything, and never echoes it', () => {
    const dir = tempDir();
    const out = join(dir, 'results');
    const result = runCli(['run', '--name', 'leak', '--out', out, '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--models', `openai-compatible/foo?base_url=http://user:${PASSWORD}@127.0.0.1:9/v1`, '--limit', '1', '--no-progress']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^error: model spec "openai-compatible\/foo\?base_url=http:\/\/\[redacted\]@127\.0\.0\.1:9\/v1" has credentials in a URL/m);
    for (const text of [result.stdout, result.stderr]) {
      assert.ok(!text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)));
    }
    assert.equal(existsSync(out), false, 'nothing written');
  });

  it('`estimate` refuses a key written in a spec, as `run` does, without printing it', () => {
    const key = 'sk-estimate-planted-1234567890';
    const result = runCli(['estimate', '--models', `openai/gpt-4o-mini?api_key=${key}`, '--limit', '1']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /carries an API key/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(key));
  });

  it('a key in a simulator spec is refused without echoing it; an encoded password in a URL too', () => {
    assert.throws(() => parseModelSpec('sim/faker?api_key=abc123planted&free=0.3'), (err: unknown) => err instanceof UserError && /carries an API key/.test(err.message) && !err.message.includes('abc123planted'));
    const encoded = `openai-compatible/foo?base_url=${encodeURIComponent(`https://me:${PASSWORD}@example.org/v1`)}`;
    assert.throws(() => parseModelSpec(encoded), (err: unknown) => err instanceof UserError && !err.message.includes(PASSWORD) && !err.describe().includes(encodeURIComponent(PASSWORD)));
  });
});

describe('masking by value', () => {
  it('masks a short key where it stands alone, as written and URL-encoded, and leaves words that contain it', () => {
    registerSecret('k9/Z');
    assert.equal(redactSecrets('Incorrect API key provided: k9/Z.'), 'Incorrect API key provided: [redacted key].');
    assert.equal(redactSecrets('url?key=k9%2FZ&x=1'), 'url?key=[redacted key]&x=1');
    assert.equal(redactSecrets('ak9/Zb'), 'ak9/Zb');
  });

  it('masks credentials in URL-encoded URLs', () => {
    assert.equal(redactSecrets(`base_url=http%3A%2F%2Fuser%3A${PASSWORD}%40host%2Fv1`), 'base_url=http%3A%2F%2F[redacted]%40host%2Fv1');
    assert.equal(redactSecrets(`http://user:${PASSWORD}@host/v1`), 'http://[redacted]@host/v1');
  });

  describe('a short key echoed by a server', () => {
    after(() => resetTransports());
    it('never reaches a record', async () => {
      const key = 'k3y5';
      process.env.AF_LAB_SHORT_KEY = key;
      const request = builtinRequests()[0].text;
      const server = await startOpenAIServer({ script: () => ({ kind: 'status', status: 401, message: `Incorrect API key provided: ${key}` }) });
      try {
        resetTransports();
        const dir = tempDir();
        const cfg = parseExperiment({ name: 'short', models: [`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&api_key_env=AF_LAB_SHORT_KEY`], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 1 }, samples: 1, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') });
        const result = await runSamples(cfg);
        assert.equal(server.log[0].headers.authorization, `Bearer ${key}`);
        assert.ok(result.records.every((r) => r.status === 'error' && r.error!.message.includes('[redacted key]') && !r.error!.message.includes(key)), JSON.stringify(result.records.map((r) => r.error)));
        assert.ok(result.records[0].userTurn.includes(request));
      } finally {
        await server.close();
      }
    });
  });
});
