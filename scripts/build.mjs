// npm run build: tsc with tsconfig.json (incremental: a build with nothing changed writes no file of dist/
// again), then dist/cli.js made executable and node_modules/.bin/af-lab linked to it (scripts/link-self.mjs).
// tsc's incremental build trusts dist/.tsbuildinfo and never looks at its outputs, so the record is dropped
// (and everything compiled again) when dist/ no longer matches it: a .js file written after it (another
// checkout's build, a copy) or an output that is missing (removed by hand).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const src = join(root, 'src');
const record = join(dist, '.tsbuildinfo');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

function recordIsStale() {
  const written = statSync(record).mtimeMs;
  for (const file of files(dist)) if (file.endsWith('.js') && statSync(file).mtimeMs > written) return true;
  for (const file of files(src)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    if (!existsSync(join(dist, relative(src, file)).replace(/\.ts$/, '.js'))) return true;
  }
  return false;
}

if (existsSync(record) && recordIsStale()) rmSync(record);
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
chmodSync(join(dist, 'cli.js'), 0o755);
await import('./link-self.mjs');
