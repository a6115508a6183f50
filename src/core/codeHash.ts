// The hash of the code an output is made from: the modules (built .js, or .ts when run from source)
// that label, summarise and draw a run. Every up-to-date check (the outputs stamp, the figures' and
// the report's inputs hashes) keys on it, so a changed labelling rule re-applies to old runs on the
// next `af-lab run`, `figures` or `report`, as a new package version would (the version alone is
// always 0.1.0 between releases). Read once per process (a few hundred small files, milliseconds).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders of src/ (dist/) whose code shapes a label, a count, a figure or a report page. */
export const OUTPUT_CODE_FOLDERS = ['core', 'classify', 'judge', 'label', 'settings', 'stats', 'summary', 'plots', 'report', 'run', 'prompts'] as const;

let cached: string | undefined;

/** Files of a folder, depth first, sorted by name: modules only (no maps, no declarations). */
function modules(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modules(path));
    else if (/\.(js|ts|mjs|cjs)$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The sha256 of the output-shaping modules of this installation (their paths relative to the module root, and their bytes). */
export function outputCodeHash(root: string = fileURLToPath(new URL('..', import.meta.url))): string {
  const hash = createHash('sha256');
  for (const folder of OUTPUT_CODE_FOLDERS) {
    for (const file of modules(join(root, folder))) {
      hash.update(relative(root, file).split('\\').join('/'));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/** outputCodeHash() of this process's own modules, computed once. */
export function codeHash(): string {
  cached ??= outputCodeHash();
  return cached;
}
