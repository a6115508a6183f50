// Issue 26 item 5: no secret in any byte a run writes or prints. Planted: the provider's key (with a
// `/` and a `+`, so its URL-encoded and JSON-escaped forms differ), and query values of a base URL
// (`token`, `api_key`) given in a spec. The loopback server echoes them back in answers (as written,
// JSON-escaped with `\/`, URL-encoded) and in an error body. Every file under the run's folders
// (records, calls, run.json, summary, figures, report, outputs stamp, the LMDB cache) and the
// terminal output are searched for every form of every secret.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { maskUrls, redactSecrets } from '../src/core/secrets.js';
import { runCliAsync } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import type { LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';

const KEY = 'sk-plant/KEY+0123456789abcdef';
const TOKEN = 'TOKENplant/0123456789';
const QUERY_KEY = 'QKEYplant+0123456789';
const forms = (secret: string) => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'), encodeURIComponent(encodeURIComponent(secret))];

const cli = (args: string[], env: NodeJS.ProcessEnv) => runCliAsync(args, env);

function* filesUnder(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

let server: LoopbackServer;
const dirs: string[] = [];
before(async () => {
  const echo = `I was sent ${KEY}, "${JSON.stringify(KEY).slice(1, -1).replace(/\//g, '\\/')}", ${encodeURIComponent(KEY)} and ${TOKEN} / ${encodeURIComponent(QUERY_KEY)}. <OUTPUT><rejected/></OUTPUT>`;
  server = await startOpenAIServer({
    reply: () => echo,
    script: (i) => (i === 1 ? { kind: 'status', status: 400, message: `bad key ${KEY} (${JSON.stringify(KEY)}) for token=${encodeURIComponent(TOKEN)}` } : undefined),
  });
});
after(async () => {
  await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('secrets never reach what a run writes or prints (issue 26 item 5)', () => {
  it('URLs keep their parameter names and lose their values and credentials', () => {
    assert.equal(maskUrls('see http://u:pw@h:1/v1?token=abc&x=1#f now'), 'see http://[redacted]@h:1/v1?token=[redacted]&x=[redacted]#f now');
    assert.equal(maskUrls('base_url=http%3A%2F%2Fh%2Fv1%3Fapi-key%3Dabc&n=2'), 'base_url=http%3A%2F%2Fh%2Fv1%3Fapi-key%3D[redacted]&n=2');
    assert.equal(maskUrls('http://h/v1 no query'), 'http://h/v1 no query');
    assert.equal(redactSecrets('x-api-key=zzz http://h/?apikey=12345678'), 'x-api-key=zzz http://h/?apikey=[redacted]');
  });

  it('a run against a server that echoes them: not one byte of any form of any secret is written or printed', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const baseUrl = `${server.url}/chat/completions?token=${encodeURIComponent(TOKEN)}&api_key=${encodeURIComponent(QUERY_KEY)}`;
    const spec = `openai-compatible/echo?base_url=${encodeURIComponent(baseUrl)}&max_retries=0&backoff_ms=1`;
    const result = await cli(
      ['run', '--name', 'secrets', '--models', spec, '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '2', '--concurrency', '1', '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress', '--no-images'],
      { OPENAI_COMPATIBLE_API_KEY: KEY },
    );
    assert.ok(server.log.length >= 4, `the server was asked (${result.stderr})`);
    const written = [...filesUnder(dir)];
    assert.ok(written.some((f) => f.endsWith('records.jsonl')) && written.some((f) => f.endsWith('responses.lmdb')) && written.some((f) => f.endsWith('report.html')));
    const texts: Array<[string, Buffer]> = [['stdout', Buffer.from(result.stdout)], ['stderr', Buffer.from(result.stderr)], ...written.map((f): [string, Buffer] => [f, readFileSync(f)])];
    for (const secret of [KEY, TOKEN, QUERY_KEY]) {
      for (const form of forms(secret)) {
        for (const [where, bytes] of texts) assert.equal(bytes.includes(form), false, `${JSON.stringify(form)} is in ${where}: ${bytes.toString("utf8").split("\n").find((l) => l.includes(form))?.slice(0, 300)}`);
      }
    }
    // The records still say what happened: the answer, masked, and the refused request's error.
    const records = readFileSync(join(dir, 'results', 'secrets', 'records.jsonl'), 'utf8');
    assert.match(records, /\[redacted key\]/);
    assert.match(readFileSync(join(dir, 'results', 'secrets', 'run.json'), 'utf8'), /token%3D\[redacted\]%26api_key%3D\[redacted\]/);
  });
});
