// The `af-lab` command is declared in the package that `npm pack` / `npm publish` writes, not in this
// repository's package.json. Why: npm 11's `npx <name>` checks the project's own package.json for a bin of
// that name before anything else, and when it finds one it installs the project into npx's cache and reads
// its whole dependency tree twice on every call (about 1.5 s of CPU, and 14 s on the first call after a
// clone). Without it, `npx af-lab` inside the repository finds node_modules/.bin/af-lab (made by
// scripts/link-self.mjs at every build) and runs it at once.
//
//   add-bin              prepack: package.json gains "bin"; the original is set aside
//   restore-after-pack   postpack: the original back, byte for byte, except under `npm publish`, which
//                        reads package.json again after packing and sends that to the registry
//   restore              postpublish (and by hand): the original back
//
// A pack or publish cut short leaves the original set aside; the next add-bin or restore puts it back
// first, but only when package.json is still exactly what add-bin made of it: anything else means it was
// edited since, and the script stops with one line rather than lose that edit.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKED_BIN = { 'af-lab': 'dist/cli.js' };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const aside = join(root, '.package.json.before-pack');

/** package.json as packed: "bin" right after "types", where npm's own tools put it; the rest in its order. */
function withBin(text) {
  const pkg = JSON.parse(text);
  if (pkg.bin !== undefined) fail('package.json already declares "bin"; scripts/pack-manifest.mjs adds it at pack time only (remove it)');
  const packed = {};
  for (const [key, value] of Object.entries(pkg)) {
    packed[key] = value;
    if (key === 'types') packed.bin = PACKED_BIN;
  }
  if (packed.bin === undefined) packed.bin = PACKED_BIN;
  return `${JSON.stringify(packed, null, 2)}\n`;
}

function fail(message) {
  console.error(`pack-manifest: ${message}`);
  process.exit(1);
}

function restore() {
  if (!existsSync(aside)) return;
  const original = readFileSync(aside, 'utf8');
  if (readFileSync(manifest, 'utf8') !== withBin(original)) {
    fail(`package.json was changed after a pack set the original aside as ${aside}; keep the one you want as package.json (without "bin") and delete the other`);
  }
  renameSync(aside, manifest);
}

function addBin() {
  restore();
  const text = readFileSync(manifest, 'utf8');
  const packed = withBin(text);
  writeFileSync(aside, text);
  writeFileSync(manifest, packed);
}

const action = process.argv[2];
if (action === 'add-bin') addBin();
else if (action === 'restore') restore();
else if (action === 'restore-after-pack') {
  if (process.env.npm_command !== 'publish') restore();
} else fail('usage: node scripts/pack-manifest.mjs add-bin|restore|restore-after-pack');
