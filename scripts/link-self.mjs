// Make `import ... from 'af-lab'` work inside the project's own notebooks.
// tslab compiles every notebook with rootDir = the notebook's folder, so `../src/...` imports fail, and a
// package's self-reference through `exports` does not resolve there. A package named af-lab in
// notebooks/node_modules that links to this checkout (main/types/exports point into dist/) resolves with
// types, for the notebooks' folder only. It is not in the project's node_modules, so npm never sees an
// extraneous package there (which made every `npx af-lab` re-read the whole tree) and never removes it.
// It also makes node_modules/.bin/af-lab -> ../../dist/cli.js, so `npx af-lab` inside the repository runs
// the built command at once (the repository's package.json declares no bin: see scripts/pack-manifest.mjs).
// Run by every `npm run build` (scripts/build.mjs; so by `npm install` too, through prepare). Idempotent; never replaces a real directory.
import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const link = join(root, 'notebooks', 'node_modules', 'af-lab');
const target = join('..', '..'); // relative, so the checkout can be moved

function current(path) {
  try {
    const stat = lstatSync(path);
    return stat.isSymbolicLink() ? readlinkSync(path) : 'not-a-link';
  } catch {
    return null;
  }
}

// The link of earlier versions, node_modules/af-lab -> .., made npm treat the tree as changed: remove it.
const oldLink = join(root, 'node_modules', 'af-lab');
if (current(oldLink) === '..') rmSync(oldLink);

const found = current(link);
if (found === 'not-a-link') {
  console.warn(`link-self: ${link} is a real directory; leaving it alone (notebooks import whatever it holds)`);
} else if (found === null || resolve(dirname(link), found) !== root) {
  if (found !== null) unlinkSync(link);
  mkdirSync(dirname(link), { recursive: true });
  // 'junction' makes the link without admin rights on Windows; ignored elsewhere.
  symlinkSync(target, link, 'junction');
}

// The command, for `npx af-lab` here. A file of the same name that is not a link is left alone.
const bin = join(root, 'node_modules', '.bin', 'af-lab');
const binTarget = join('..', '..', 'dist', 'cli.js');
const foundBin = current(bin);
if (foundBin !== 'not-a-link' && foundBin !== binTarget) {
  if (foundBin !== null) unlinkSync(bin);
  mkdirSync(dirname(bin), { recursive: true });
  try {
    symlinkSync(binTarget, bin);
  } catch (err) {
    // Windows without the right to make file links: the repository still works through `node dist/cli.js`.
    if (process.platform !== 'win32') throw err;
    console.warn(`link-self: could not link ${bin} (${err.code}); inside this repository run af-lab as \`node dist/cli.js ...\``);
  }
}
const cli = join(root, 'dist', 'cli.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
