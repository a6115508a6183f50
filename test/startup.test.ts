// A command loads only what it uses (issue 17): `af-lab --help` and `af-lab stats` load no provider
// SDK, tokenizer, dataframe library, browser driver, schema library or database; a provider's SDK
// loads when a model of that provider is resolved, not when the model registry is imported.
// Checked by tracing the modules a real process loads (test/helpers/traceImports.mjs); start-up
// time itself is measured by bench/startup.ts, not asserted here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const HEAVY = ['openai', '@anthropic-ai/sdk', 'gpt-tokenizer', 'danfojs', 'playwright-core', 'node-llama-cpp', 'zod', 'lmdb', 'csv-parse', 'cli-progress', 'plotly.js-dist-min'];

/** The packages under node_modules that a process loaded, running `args` after the tracer and tsx. */
function loadedPackages(args: string[]): Set<string> {
  const trace = join(tempDir(), 'trace.txt');
  const result = spawnSync(process.execPath, ['--import', './test/helpers/traceImports.mjs', '--import', 'tsx', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, OPENAI_API_KEY: 'sk-test-not-real', AF_LAB_TRACE_IMPORTS: trace },
    timeout: scaled(120_000),
  });
  assert.equal(result.status, 0, result.stderr);
  const packages = new Set<string>();
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line);
    if (match) packages.add(match[1]);
  }
  return packages;
}

const heavyIn = (packages: Set<string>) => HEAVY.filter((name) => packages.has(name));

test('af-lab --help loads none of the heavy packages', () => {
  const packages = loadedPackages(['src/cli.ts', '--help']);
  assert.ok(packages.has('commander'), 'the trace sees the packages a process loads');
  assert.deepEqual(heavyIn(packages), []);
});

test('af-lab stats fisher loads the statistics and nothing heavy', () => {
  const packages = loadedPackages(['src/cli.ts', 'stats', 'fisher', '15/98', '4/95']);
  assert.ok(packages.has('jstat'));
  assert.deepEqual(heavyIn(packages), []);
});

test('the model registry loads a provider SDK only when a model of that provider is resolved', () => {
  const registry = "const m = await import('./src/models/index.ts');";
  assert.deepEqual(heavyIn(loadedPackages(['--input-type=module', '-e', `${registry} await m.resolveModel('sim/faker');`])), []);
  const openai = loadedPackages(['--input-type=module', '-e', `${registry} await m.resolveModel('openai/gpt-4o-mini?base_url=http://127.0.0.1:9');`]);
  assert.ok(openai.has('openai'));
  assert.ok(!openai.has('@anthropic-ai/sdk'));
});

test('counting tokens loads the tokenizer on first use only', () => {
  const code = "const t = await import('./src/cost/tokens.ts'); const c = t.tokenCounterFor('openai/gpt-4o-mini'); if (!(c.count('hello world') > 0)) process.exit(3);";
  assert.ok(loadedPackages(['--input-type=module', '-e', code]).has('gpt-tokenizer'));
  assert.ok(!loadedPackages(['--input-type=module', '-e', "await import('./src/cost/tokens.ts');"]).has('gpt-tokenizer'));
});
