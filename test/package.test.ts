// af-lab as a package another project installs: `npm pack` ships the compiled code and the data it reads, not
// the repository's tests, benches, CI or patches; a project that installs the tarball (with CI=true, packages
// from the npm cache where it has them: a lockfile install leaves no registry metadata in the cache, so
// that much comes from the registry) runs none of af-lab's own install steps, gets none of the development-only packages
// (tslab, zeromq, patch-package) nor the optional peers (node-llama-cpp, playwright-core), imports it by name
// and runs its command. npm test builds dist/ before this file runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';
import { importOptional } from '../src/core/optionalPackage.js';
import { UserError } from '../src/core/errors.js';

const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: scaled(600_000) });

test('the packed tarball holds dist and data, not the repository\'s tests, benches, CI or sources', () => {
  const out = tempDir('af-lab-pack-');
  const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const paths = info.files.map((f) => f.path);
  for (const wanted of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'data/prices.json', 'data/prompts/system-cot.txt', 'data/settings/af-lab.json', 'data/requests/builtin.jsonl']) {
    assert.ok(paths.includes(wanted), `${wanted} is shipped`);
  }
  const unwanted = paths.filter((p) => /^(test|bench|scripts|tools|patches|notebooks|\.ci|src)\//.test(p) || p.endsWith('.map') || p.startsWith('data/results') || p.startsWith('data/cache'));
  assert.deepEqual(unwanted, []);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.postinstall, undefined, 'no install step of af-lab\'s runs in a project that installs it');
});

test('a project installs the tarball with CI=true, imports af-lab by name and runs its command', { timeout: scaled(900_000) }, () => {
  const out = tempDir('af-lab-pack-');
  const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(out, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  const project = tempDir('af-lab-consumer-');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  const installed = npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project, { CI: 'true' });
  assert.equal(installed.status, 0, `npm install of the tarball failed:\n${installed.stderr}`);
  const modules = join(project, 'node_modules');
  assert.ok(existsSync(join(modules, 'af-lab', 'dist', 'index.js')));
  for (const absent of ['tslab', 'zeromq', 'patch-package', 'node-llama-cpp', 'playwright-core']) {
    assert.equal(existsSync(join(modules, absent)), false, `${absent} is not installed into a project that uses af-lab`);
  }
  const imported = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('af-lab'); console.log(typeof m.runExperiment, typeof m.readSetting)"], { cwd: project, encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
  assert.equal(imported.stdout.trim(), 'function function');
  const help = spawnSync(join(modules, '.bin', 'af-lab'), ['--help'], { cwd: project, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: af-lab/);
});

test('an optional package that is not installed is one line naming what needs it and how to add it', async () => {
  const err = await importOptional('af-lab-no-such-package', 'a local GGUF model (gguf/...)', () => import('af-lab-no-such-package' as string)).catch((e: unknown) => e);
  assert.ok(err instanceof UserError);
  assert.match(err.message, /a local GGUF model \(gguf\/\.\.\.\) needs the package af-lab-no-such-package, which is not installed/);
  assert.match(String(err.fix), /npm install af-lab-no-such-package/);
  const other = await importOptional('x', 'y', () => Promise.reject(new Error('broken inside'))).catch((e: unknown) => e);
  assert.ok(!(other instanceof UserError), 'any other failure is passed on as it is');
});
