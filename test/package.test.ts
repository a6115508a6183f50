// af-lab as a package another project installs: `npm pack` ships the compiled code and the data it reads, not
// the repository's tests, benches, CI or patches; a project that installs the tarball (with CI=true, packages
// from the npm cache where it has them: a lockfile install leaves no registry metadata in the cache, so
// that much comes from the registry) runs none of af-lab's own install steps, gets none of the development-only packages
// (tslab, zeromq, patch-package) nor the optional peers (node-llama-cpp, playwright-core), imports it by name
// and runs its command. npm test builds dist/ before this file runs. The `af-lab` command is declared in the
// packed package.json only (scripts/pack-manifest.mjs, at prepack): inside the repository `npx af-lab` runs
// node_modules/.bin/af-lab at once instead of installing the repository into npx's cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
  const before = readFileSync(join(ROOT, 'package.json'), 'utf8');
  // With its scripts, as `npm publish` packs: prepack declares the bin, prepare builds (incremental: nothing
  // is written again when nothing changed), postpack puts the repository's package.json back.
  const packed = npm(['pack', '--json', '--pack-destination', out], ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  assert.equal(readFileSync(join(ROOT, 'package.json'), 'utf8'), before, 'the repository\'s package.json is the same after packing');
  assert.equal(existsSync(join(ROOT, '.package.json.before-pack')), false);
  const tarball = join(out, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[])[0].filename);
  const listed = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  assert.deepEqual((JSON.parse(listed.stdout) as { bin?: unknown }).bin, { 'af-lab': 'dist/cli.js' }, 'the packed package declares the command');
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

test('inside the repository the command is node_modules/.bin/af-lab, and npx runs it without installing the repository into its cache', { timeout: scaled(120_000) }, () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: unknown };
  assert.equal(pkg.bin, undefined, 'a bin in the repository\'s package.json sends `npx af-lab` through npm\'s self-install path');
  const bin = join(ROOT, 'node_modules', '.bin', 'af-lab');
  assert.ok(lstatSync(bin).isSymbolicLink());
  assert.equal(readlinkSync(bin), join('..', '..', 'dist', 'cli.js'));
  assert.ok((statSync(join(ROOT, 'dist', 'cli.js')).mode & 0o111) !== 0, 'the built command is executable (npm run build sets it)');
  const cache = tempDir('af-lab-npx-cache-');
  const help = npm(['exec', '--offline', '--cache', cache, '--', 'af-lab', '--help'], ROOT);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: af-lab/);
  assert.equal(existsSync(join(cache, '_npx')), false, 'nothing was installed into npx\'s cache');
});

test('a pack cut short leaves package.json set aside; the next pack or restore puts it back byte for byte, and never over an edit made since', () => {
  const root = tempDir('af-lab-pack-manifest-');
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'pack-manifest.mjs'), join(root, 'scripts', 'pack-manifest.mjs'));
  const original = '{\n  "name": "x",\n  "types": "dist/index.d.ts",\n  "files": ["dist"]\n}\n';
  writeFileSync(join(root, 'package.json'), original);
  const script = (action: string, env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [join(root, 'scripts', 'pack-manifest.mjs'), action], { encoding: 'utf8', env: { ...process.env, npm_command: 'pack', ...env } });
  assert.equal(script('add-bin').status, 0);
  const packedText = readFileSync(join(root, 'package.json'), 'utf8');
  const packed = JSON.parse(packedText) as Record<string, unknown>;
  assert.deepEqual(Object.keys(packed), ['name', 'types', 'bin', 'files']);
  assert.deepEqual(packed.bin, { 'af-lab': 'dist/cli.js' });
  // Under `npm publish` the packed manifest stays until postpublish: npm reads it again to send it.
  assert.equal(script('restore-after-pack', { npm_command: 'publish' }).status, 0);
  assert.equal(readFileSync(join(root, 'package.json'), 'utf8'), packedText);
  // Killed before postpack: the next pack starts from the original, not from the packed manifest.
  assert.equal(script('add-bin').status, 0);
  assert.equal(script('restore-after-pack').status, 0);
  assert.equal(readFileSync(join(root, 'package.json'), 'utf8'), original);
  assert.deepEqual(readdirSync(root).sort(), ['package.json', 'scripts']);
  assert.equal(script('restore').status, 0, 'restore with nothing set aside changes nothing');
  assert.equal(readFileSync(join(root, 'package.json'), 'utf8'), original);
  // Cut short, then package.json edited (a version bump): nothing is put back over the edit.
  assert.equal(script('add-bin').status, 0);
  const edited = readFileSync(join(root, 'package.json'), 'utf8').replace('"name": "x"', '"name": "x",\n  "version": "2.0.0"');
  writeFileSync(join(root, 'package.json'), edited);
  const refused = script('add-bin');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /package\.json was changed after a pack set the original aside/);
  assert.equal(readFileSync(join(root, 'package.json'), 'utf8'), edited);
  assert.equal(readFileSync(join(root, '.package.json.before-pack'), 'utf8'), original);
  assert.equal(script('other').status, 1);
});

test('npm publish sends the registry a manifest that declares the command, and package.json is back after', { timeout: scaled(600_000) }, async () => {
  const before = readFileSync(join(ROOT, 'package.json'), 'utf8');
  const published: Array<{ versions: Record<string, { bin?: unknown }> }> = [];
  const registry = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'PUT') published.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(req.method === 'PUT' ? 201 : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((done) => registry.listen(0, '127.0.0.1', done));
  const port = (registry.address() as AddressInfo).port;
  const cache = tempDir('af-lab-publish-cache-');
  try {
    await promisify(execFile)('npm', ['publish', '--registry', `http://127.0.0.1:${port}/`, `--//127.0.0.1:${port}/:_authToken=loopback-test`, '--cache', cache, '--tag', 'loopback-test', '--no-provenance'], { cwd: ROOT, timeout: scaled(600_000), env: { ...process.env, CI: 'true' } });
  } finally {
    registry.close();
  }
  const version = (JSON.parse(before) as { version: string }).version;
  assert.equal(published.length, 1);
  assert.deepEqual(published[0].versions[version].bin, { 'af-lab': 'dist/cli.js' }, 'the registry\'s manifest, which installs read, declares the command');
  assert.equal(readFileSync(join(ROOT, 'package.json'), 'utf8'), before);
  assert.equal(existsSync(join(ROOT, '.package.json.before-pack')), false);
});

test('the build links node_modules/.bin/af-lab to dist/cli.js, replacing a wrong link, and makes it executable', () => {
  const root = tempDir('af-lab-link-self-');
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'link-self.mjs'), join(root, 'scripts', 'link-self.mjs'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'cli.js'), '#!/usr/bin/env node\n');
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync('../somewhere/else.js', join(root, 'node_modules', '.bin', 'af-lab'));
  const linked = spawnSync(process.execPath, [join(root, 'scripts', 'link-self.mjs')], { encoding: 'utf8' });
  assert.equal(linked.status, 0, linked.stderr);
  assert.equal(readlinkSync(join(root, 'node_modules', '.bin', 'af-lab')), join('..', '..', 'dist', 'cli.js'));
  assert.ok((statSync(join(root, 'dist', 'cli.js')).mode & 0o111) !== 0);
  assert.equal(readlinkSync(join(root, 'notebooks', 'node_modules', 'af-lab')), join('..', '..'));
});
