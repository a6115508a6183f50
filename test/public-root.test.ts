// The public surface: `import { ... } from 'af-lab'` is a short table of contents (run, settings,
// summary and statistics, figures, report, a run opened), pinned here so it cannot grow unnoticed;
// the rest is one subpath away (af-lab/notebook for what notebook cells draw). The committed
// notebooks import only names these entry points have, and their cells show the computation: no
// cell hands a helper's ready-made HTML to the view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';

const ROOT_NAMES = [
  // run, price, open
  'runExperiment', 'estimateExperiment', 'openRun', 'loadRun', 'parseExperiment', 'loadExperimentFile', 'UserError',
  // settings
  'listSettings', 'readSetting',
  // the summary and its statistics
  'buildSummary', 'formatSummary', 'proportion', 'complianceGap', 'fisherExact', 'mitigationEffect', 'sampleSizeExact', 'detectableGap',
  // figures and the report
  'buildFigure', 'writeFigures', 'paperFigures', 'writeReport',
];

interface Manifest {
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const subpaths = Object.keys(manifest.exports).filter((key) => key !== '.' && key !== './package.json').map((key) => key.slice(2));

test('the root exports exactly the pinned table of contents (a new name is added here on purpose, or goes to a subpath)', async () => {
  const root = await import('../src/index.js');
  assert.deepEqual(Object.keys(root).sort(), [...ROOT_NAMES].sort());
});

test('every subpath in exports is a folder of src with an index, and tslab (Node10 resolution) finds its types through typesVersions', () => {
  for (const sub of subpaths) {
    assert.ok(existsSync(join(ROOT, 'src', sub, 'index.ts')), `src/${sub}/index.ts`);
    const entry = manifest.exports[`./${sub}`];
    assert.equal(typeof entry === 'object' && entry.types, `./dist/${sub}/index.d.ts`);
    assert.deepEqual(manifest.typesVersions['*'][sub], [`dist/${sub}/index.d.ts`], `typesVersions for af-lab/${sub}`);
  }
  assert.deepEqual(Object.keys(manifest.typesVersions['*']).sort(), [...subpaths].sort(), 'no typesVersions entry without an export');
});

const notebooks = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
const codeCells = (file: string): string[] => {
  const notebook = JSON.parse(readFileSync(join(ROOT, 'notebooks', file), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] | string }> };
  return notebook.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
};

test('every name a committed notebook imports from af-lab or a subpath is exported there', async () => {
  const imports = /import\s*\{([^}]*)\}\s*from\s*'af-lab(?:\/([a-z]+))?'/g;
  let seen = 0;
  for (const file of notebooks) {
    for (const source of codeCells(file)) {
      for (const [, names, sub] of source.matchAll(imports)) {
        const module = (await import(sub ? `../src/${sub}/index.js` : '../src/index.js')) as Record<string, unknown>;
        for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) {
          assert.ok(name in module, `${file}: '${name}' is not exported by af-lab${sub ? `/${sub}` : ''}`);
          seen++;
        }
      }
    }
  }
  assert.ok(seen > 40, `the notebooks' imports were read (${seen})`);
});

test('notebook cells show the computation: rows and sentences drawn by the view, never a helper\'s HTML', () => {
  for (const file of notebooks) {
    for (const source of codeCells(file)) {
      assert.doesNotMatch(source, /view\.html\(|Html\(/, `${file}: a cell draws HTML made elsewhere:\n${source}`);
    }
  }
});
