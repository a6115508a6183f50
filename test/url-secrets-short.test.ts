// Issue 26 item 5, the rule for short values: a base URL's query values and password of 8 characters or
// more are secrets everywhere (masked in answers and error text too); shorter ones are masked inside
// URLs only, since masking `?token=abc`'s "abc" in an answer would change ordinary words. A base URL
// that carries a credential-named parameter that short says so in one warning line, naming the
// parameter and its length, never its value.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { maskUrls, redactKnownSecrets, registerUrlSecrets, shortCredentialWarning } from '../src/core/secrets.js';
import { runCliAsync } from './helpers/cli.js';
import type { LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';
import { tempDir } from './helpers/tmp.js';

describe('short values in a base URL (issue 26 item 5)', () => {
  it('a value of 8 characters or more is masked everywhere; a shorter one inside URLs only', () => {
    const url = 'http://127.0.0.1:1/v1?token=abc&v=2&api_key=long-enough-1';
    const printed: string[] = [];
    const original = console.error;
    console.error = (...parts: unknown[]) => printed.push(parts.join(' '));
    try {
      registerUrlSecrets(url);
      registerUrlSecrets(url);
    } finally {
      console.error = original;
    }
    assert.equal(redactKnownSecrets('abc and 2 stay; long-enough-1 goes'), 'abc and 2 stay; [redacted key] goes');
    assert.equal(maskUrls(`see ${url}`), 'see http://127.0.0.1:1/v1?token=[redacted]&v=[redacted]&api_key=[redacted]');
    assert.deepEqual(printed, [shortCredentialWarning(new URL(url))], 'one warning, once');
    assert.match(printed[0], /^warning: the base URL's token \(3 characters\) is shorter than 8 characters: masked inside URLs only, not in answers or error text/);
    assert.ok(!printed[0].includes('abc'), 'the warning never shows the value');
  });

  it('names every short credential, the password before @ too, and nothing for ordinary parameters', () => {
    assert.equal(shortCredentialWarning(new URL('http://h/v1?v=1&model=x')), undefined);
    assert.equal(shortCredentialWarning(new URL('http://h/v1?token=12345678')), undefined);
    assert.match(shortCredentialWarning(new URL('http://u:pw@h/v1?X-Api-Key=k1&sig=s'))!, /the base URL's X-Api-Key \(2 characters\), sig \(1 characters\), the password before @ \(2 characters\) are shorter than 8/);
  });

  describe('in a run', () => {
    let server: LoopbackServer;
    before(async () => {
      server = await startOpenAIServer({ reply: () => '<OUTPUT><rejected/></OUTPUT> The abc of it.' });
    });
    after(() => server.close());

    it('warns once, keeps "abc" in the answer, and masks the value in every URL it writes', async () => {
      const dir = tempDir();
      const base = `${server.url}/chat/completions?token=abc`;
      const result = await runCliAsync(
        ['run', '--name', 'short', '--models', 'openai/gpt-4o-mini', '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '1', '--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-images', '--no-progress'],
        { OPENAI_API_KEY: 'sk-short-values-0123456789', OPENAI_BASE_URL: base },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr.split('\n').filter((line) => line.startsWith('warning: the base URL')).length, 1, result.stderr);
      const records = readFileSync(join(dir, 'results', 'short', 'records.jsonl'), 'utf8');
      assert.match(records, /The abc of it\./, 'the answer is as the model wrote it');
      assert.ok(!records.includes('token=abc') && !result.stdout.includes('token=abc') && !result.stderr.includes('token=abc'));
    });
  });
});
