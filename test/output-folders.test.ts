// Output folders are checked before anything is paid for, and a file-system error is one line:
// `--out` under a file, a `--figures-dir` that cannot be written (found before sampling, not after),
// a `report --out` that cannot be written, a full disk.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { fileSystemUserError, UserError } from '../src/core/errors.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { runSamples } from '../src/run/runner.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

describe('output folders', () => {
  it('`run --out` under a file: one line, exit 2, no call made', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const result = runCli(['run', '--name', 'x', '--out', join(dir, 'file', 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--models', 'sim/faker', '--limit', '1', '--no-progress']);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /^error: the results folder \(--out\) .* cannot be used: .*file is a file, not a folder\. Fix: /);
    assert.equal(existsSync(join(dir, 'cache')), false, 'nothing sampled');
  });

  it('an --out under /proc (where a recursive mkdir never returns) is refused at once', { skip: process.platform !== 'linux' }, async () => {
    const dir = tempDir();
    const config = parseExperiment({ name: 'proc', models: ['sim/faker'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 1 }, outDir: '/proc/af-lab-test', cacheDir: join(dir, 'cache') });
    await assert.rejects(runSamples(config), (err: unknown) => err instanceof UserError && /results folder \(--out\) \/proc\/af-lab-test\/proc cannot be written: \/proc is not a folder files can be created in/.test(err.message));
  });

  it('a --figures-dir that cannot be written fails before any sample is taken', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'figures'), '');
    const config = parseExperiment({ name: 'figs', models: ['sim/faker'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 1 }, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures') });
    await assert.rejects(runExperiment(config, { figures: { images: false } }), (err: unknown) => err instanceof UserError && /figures folder \(--figures-dir\)/.test(err.message));
    assert.equal(existsSync(join(dir, 'results')), false);
    assert.equal(existsSync(join(dir, 'cache')), false);
  });

  it('`report --out` that cannot be written: one line, exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const result = runCli(['report', join(dir, 'missing-run'), '--out', join(dir, 'file', 'report.html')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^error: the report folder \(--out\) .* is a file, not a folder/);
  });

  it('a full disk or a read-only folder met mid-run is one line naming the path', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/data/results/x/records.jsonl' });
    assert.equal(fileSystemUserError(enospc)?.describe(), 'error: cannot write /data/results/x/records.jsonl: no space left on the disk. Fix: free some space and run the same command again (finished work is kept).');
    const erofs = Object.assign(new Error('EROFS'), { code: 'EROFS', syscall: 'open', path: '/ro/report.html' });
    assert.match(fileSystemUserError(erofs)!.describe(), /^error: cannot open \/ro\/report\.html: the file system is read-only\. Fix: /);
    assert.equal(fileSystemUserError(new TypeError('a bug')), undefined, 'anything else keeps its stack');
  });
});
