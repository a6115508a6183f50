// One writer per run folder: a second writer on the same run name is refused with a line naming the
// first, a lock left by a dead process is taken over, and no sample is ever recorded twice.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseExperiment } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { resolveModel } from '../src/models/index.js';
import { runSamples } from '../src/run/runner.js';
import type { ChatModel } from '../src/core/types.js';
import { runCli, startCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const SPEC = 'sim/faker?seed=1';

function config() {
  const dir = tempDir();
  return parseExperiment({ name: 'locked', models: [SPEC], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 3 }, samples: 1, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') });
}

const rawKeys = (runDir: string) => readFileSync(join(runDir, 'records.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).key as string);

describe('run folder lock', () => {
  it('refuses a second writer on the same run name, naming the process that holds it; no key is recorded twice', async () => {
    const cfg = config();
    const sim = await resolveModel(SPEC);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The first writer's model waits until the second writer has been turned away.
    const slow: ChatModel = { ...sim, spec: sim.spec, chat: async (request) => (await gate, sim.chat(request)) };
    const first = runSamples(cfg, { models: new Map([[SPEC, slow]]) });
    const lock = join(cfg.outDir, cfg.name, '.lock');
    for (let i = 0; i < 200 && !existsSync(lock); i++) await sleep(10);
    assert.ok(existsSync(lock));
    await assert.rejects(runSamples(cfg, { models: new Map([[SPEC, sim]]) }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, new RegExp(`in use by af-lab process ${process.pid} on ${hostname()}`));
      return true;
    });
    open();
    const result = await first;
    assert.equal(result.records.length, 6);
    const keys = rawKeys(result.runDir);
    assert.equal(new Set(keys).size, keys.length, 'no sample recorded twice');
    assert.equal(existsSync(lock), false, 'the lock is released when the run ends');
  });

  it('takes over a lock left by a process that is gone', async () => {
    const cfg = config();
    const runDir = join(cfg.outDir, cfg.name);
    mkdirSync(runDir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(runDir, '.lock'), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
    const result = await runSamples(cfg);
    assert.equal(result.records.length, 6);
    assert.equal(existsSync(join(runDir, '.lock')), false);
  });

  it('two `af-lab run` on one run name at once: the second exits 2 with one line, the first completes', async () => {
    const dir = tempDir();
    const args = ['run', '--name', 'twice', '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--models', 'sim/faker?seed=3&latency=40', '--variants', 'baseline', '--limit', '10', '--samples', '2', '--concurrency', '1', '--no-progress'];
    const first = startCli(args);
    const exited = new Promise((resolve) => first.on('exit', resolve));
    const lock = join(dir, 'results', 'twice', '.lock');
    for (let i = 0; i < 600 && !(existsSync(lock) && readFileSync(lock, 'utf8').endsWith('\n')); i++) await sleep(50);
    // The first writer is paused while the second starts, so that it still holds the lock however slow the machine.
    first.kill('SIGSTOP');
    const second = runCli(args);
    first.kill('SIGCONT');
    assert.equal(second.status, 2, second.stderr);
    assert.match(second.stderr, /^error: run folder .*twice is in use by af-lab process \d+ on .*\. Fix: wait for it to finish/m);
    assert.equal(await exited, 0);
    const keys = rawKeys(join(dir, 'results', 'twice'));
    assert.equal(keys.length, 80);
    assert.equal(new Set(keys).size, 80);
  });
});

describe('run folder lock: issue 26 item 14', () => {
  it('an empty lock (a kill between create and write under an older af-lab) is taken over at once', async () => {
    const cfg = config();
    const runDir = join(cfg.outDir, cfg.name);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, '.lock'), '');
    const result = await runSamples(cfg);
    assert.equal(result.records.length, 6);
  });

  it('a lock is never seen empty: it is written whole, then linked into place', async () => {
    const { acquireRunLock } = await import('../src/core/runLock.js');
    const dir = tempDir();
    const release = acquireRunLock(dir);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8'))).sort(), ['host', 'pid', 'startedAt']);
    assert.deepEqual(readdirSync(dir), ['.lock'], 'no temporary file is left');
    release();
  });

  it('a `.lock` that is a folder is named as such, not as "in use"', async () => {
    const cfg = config();
    const runDir = join(cfg.outDir, cfg.name);
    mkdirSync(join(runDir, '.lock'), { recursive: true });
    await assert.rejects(runSamples(cfg), (err: unknown) => err instanceof UserError && /\.lock is a folder, not af-lab's lock file/.test(err.message) && !/in use/.test(err.message));
  });

  it('a warm re-run answered from saved outputs still refuses a folder another live process holds', async () => {
    const dir = tempDir();
    const args = ['run', '--name', 'warm', '--models', 'sim/faker', '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '1', '--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-images', '--no-progress'];
    assert.equal(runCli(args).status, 0);
    // pid 1 always runs: the lock of a live process on this host.
    writeFileSync(join(dir, 'results', 'warm', '.lock'), JSON.stringify({ pid: 1, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    const again = runCli(args);
    assert.equal(again.status, 2, again.stdout);
    assert.match(again.stderr, /^error: run folder .*warm is in use by af-lab process 1 /);
    rmSync(dir, { recursive: true, force: true });
  });
});
