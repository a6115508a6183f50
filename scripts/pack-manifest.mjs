// The `af-lab` command is declared in the package that `npm pack` / `npm publish` writes, not in this
// repository's package.json. Why: npm 11's `npx <name>` checks the project's own package.json for a bin of
// that name before anything else, and when it finds one it installs the project into npx's cache and reads
// its whole dependency tree twice on every call (about 1.5 s of CPU, and 14 s on the first call after a
// clone). Without it, `npx af-lab` inside the repository finds node_modules/.bin/af-lab (made by
// scripts/link-self.mjs at `npm install`) and runs it at once.
//
//   node scripts/pack-manifest.mjs add-bin   (prepack: package.json gains "bin"; the original is kept aside)
//   node scripts/pack-manifest.mjs restore   (postpack: the original package.json back, byte for byte)
//
// A pack cut short leaves the copy aside; the next add-bin or restore puts it back first.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKED_BIN = { 'af-lab': 'dist/cli.js' };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const aside = join(root, '.package.json.before-pack');

function restore() {
  if (existsSync(aside)) renameSync(aside, manifest);
}

function addBin() {
  restore();
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  if (pkg.bin !== undefined) throw new Error('package.json already declares "bin"; scripts/pack-manifest.mjs adds it at pack time only');
  writeFileSync(aside, text);
  // "bin" right after "types", where npm's own tools put it; the rest in its order.
  const packed = {};
  for (const [key, value] of Object.entries(pkg)) {
    packed[key] = value;
    if (key === 'types') packed.bin = PACKED_BIN;
  }
  if (packed.bin === undefined) packed.bin = PACKED_BIN;
  writeFileSync(manifest, `${JSON.stringify(packed, null, 2)}\n`);
}

const action = process.argv[2];
if (action === 'add-bin') addBin();
else if (action === 'restore') restore();
else {
  console.error('usage: node scripts/pack-manifest.mjs add-bin|restore');
  process.exit(2);
}
