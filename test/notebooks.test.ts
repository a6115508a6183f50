// The five notebooks, executed top to bottom in the real tslab kernel against an empty data folder
// (AF_LAB_DATA_DIR), as on a fresh clone: any cell error fails the test. Also checks that later
// notebooks re-run earlier steps from data/ without a single new model call, and that the
// committed notebooks carry outputs labelled SIMULATED.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { executeNotebookFile } from '../tools/notebook-kernel/execute.js';
import { joinLines, readNotebook, type CodeCell, type Notebook } from '../tools/notebook-kernel/nbformat.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const root = resolve(import.meta.dirname, '..');
const notebookDir = join(root, 'notebooks');
const EXPECTED = ['01-setup', '02-baseline', '03-deontological-mitigation', '04-statistics', '05-plots'];
// Notebook 06 (ablations) stands on its own: checked as committed here, executed by `npm run notebooks`.
const COMMITTED = [...EXPECTED, '06-ablations'];
const dataDir = tempDir('af-lab-notebooks-');
const env = { ...process.env, AF_LAB_DATA_DIR: dataDir };

function lines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}
const callsLogged = () => ['notebook-baseline', 'notebook-mitigation'].map((run) => lines(join(dataDir, 'results', run, 'calls.jsonl')));

function outputsOf(notebook: Notebook): CodeCell['outputs'] {
  return notebook.cells.flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []));
}
const outputText = (notebook: Notebook) =>
  outputsOf(notebook)
    .map((o) => (o.output_type === 'stream' ? joinLines(o.text) : o.output_type === 'error' ? o.evalue : Object.values(o.data).map((v) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join('') : '')).join('')))
    .join('\n');

before(() => {
  // The notebooks import af-lab through notebooks/node_modules/af-lab: make sure the link is there.
  execFileSync(process.execPath, [join(root, 'scripts', 'link-self.mjs')]);
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the notebooks', () => {
  test('are the five steps and the ablations, in order, on the tslab kernel', () => {
    const found = readdirSync(notebookDir).filter((f) => f.endsWith('.ipynb')).sort();
    assert.deepEqual(found, COMMITTED.map((name) => `${name}.ipynb`));
    for (const name of found) assert.equal((readNotebook(join(notebookDir, name)).metadata.kernelspec as { name: string }).name, 'tslab');
  });

  test('as committed, carry outputs labelled SIMULATED and no error', () => {
    for (const name of COMMITTED) {
      const notebook = readNotebook(join(notebookDir, `${name}.ipynb`));
      const codeCells = notebook.cells.filter((c): c is CodeCell => c.cell_type === 'code');
      assert.ok(codeCells.every((c) => c.execution_count !== null), `${name}: every code cell has been executed`);
      assert.match(outputText(notebook), /SIMULATED/, `${name}: outputs say SIMULATED`);
      assert.ok(!outputsOf(notebook).some((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr')), `${name}: no error output`);
    }
  });

  test('code lines fit the classic editor (at most 100 characters)', () => {
    for (const name of COMMITTED) {
      const notebook = readNotebook(join(notebookDir, `${name}.ipynb`));
      notebook.cells.forEach((cell, index) => {
        if (cell.cell_type !== 'code') return;
        const long = joinLines(cell.source).split('\n').filter((line) => line.length > 100);
        assert.deepEqual(long, [], `${name} cell ${index}`);
      });
    }
  });

  test('a later notebook runs on its own on a fresh machine, sampling what it needs', { timeout: scaled(120_000) }, async () => {
    const alone = tempDir('af-lab-notebook-alone-');
    try {
      const executed = await executeNotebookFile(join(notebookDir, '04-statistics.ipynb'), { env: { ...process.env, AF_LAB_DATA_DIR: alone }, cellTimeoutMs: 180_000 });
      assert.match(outputText(executed), /SIMULATED/);
      assert.ok(lines(join(alone, 'results', 'notebook-baseline', 'records.jsonl')) > 0, 'the baseline step was run');
      assert.ok(lines(join(alone, 'results', 'notebook-mitigation', 'records.jsonl')) > 0, 'the mitigation step was run');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  test('run top to bottom on an empty data folder, later ones without new model calls', { timeout: scaled(280_000) }, async () => {
    const executed = new Map<string, Notebook>();
    const callsAfter = new Map<string, number[]>();
    for (const name of EXPECTED) {
      executed.set(name, await executeNotebookFile(join(notebookDir, `${name}.ipynb`), { env, cellTimeoutMs: 180_000 }));
      callsAfter.set(name, callsLogged());
    }
    // 01 estimates only; 02 samples the baseline; 03 samples only the new conditions.
    assert.deepEqual(callsAfter.get('01-setup'), [0, 0]);
    // 01's estimate of the mitigation step counts 03's statements before 03 has run here.
    const estimate = outputsOf(executed.get('01-setup')!)
      .map((o) => (o.output_type === 'display_data' ? joinLines((o.data['text/html'] ?? '') as string | string[]) : ''))
      .find((html) => html.includes('Statements of duty: notebook-mitigation'))!;
    const estimated = [...estimate.matchAll(/<tr><td[^>]*>sim\/[^<]*<\/td><td[^>]*>(\d+)<\/td>/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(estimated, lines(join(dataDir, 'results', 'notebook-mitigation', 'records.jsonl')));
    const [baselineCalls] = callsAfter.get('02-baseline')!;
    assert.ok(baselineCalls > 0, 'notebook 02 sampled');
    assert.ok(callsAfter.get('03-deontological-mitigation')![1] > 0, 'notebook 03 sampled');
    // 04 and 05 re-run both steps: everything comes from data/, nothing is sent again.
    assert.deepEqual(callsAfter.get('04-statistics'), callsAfter.get('03-deontological-mitigation'));
    assert.deepEqual(callsAfter.get('05-plots'), callsAfter.get('03-deontological-mitigation'));
    // 03's editable statements are saved for the later notebooks, and notebooks/statements/ holds
    // exactly what 03 saves as committed (what notebook 01 estimates on a fresh checkout).
    const saved = join(dataDir, 'notebooks', 'statements');
    const committed = join(notebookDir, 'statements');
    assert.deepEqual(readdirSync(saved).sort(), readdirSync(committed).sort());
    for (const file of readdirSync(saved)) {
      assert.equal(readFileSync(join(saved, file), 'utf8'), readFileSync(join(committed, file), 'utf8'), file);
    }
    assert.ok(existsSync(join(saved, 'duty-first.txt')));
    assert.match(outputText(executed.get('04-statistics')!), /duty-first/);

    const figures = outputsOf(executed.get('05-plots')!).filter((o) => o.output_type === 'display_data');
    const pngs = figures.filter((o) => o.output_type === 'display_data' && 'image/png' in o.data);
    const interactive = figures.filter((o) => o.output_type === 'display_data' && /Plotly\.newPlot/.test(String(o.data['text/html'] ?? '')));
    // Outcomes, gap, mitigation, classifier agreement, AF scores, the two AF validation plots, power,
    // Koorndijk's three published figures, Greenblatt's one, and this run beside Koorndijk.
    assert.equal(interactive.length, 13, 'thirteen interactive figures');
    assert.equal(pngs.length, 13, 'thirteen static images (chromium is installed here and in CI)');
    assert.equal(interactive.filter((o) => o.output_type === 'display_data' && String(o.data['text/html']).length > 1_000_000).length, 1, 'plotly.js is embedded once');
    // The papers' own figures (named after their table in data/published/) show published numbers,
    // never SIMULATED; every figure of the run does, "this run beside the paper" included.
    const published = /<div id="af-lab-(?:koorndijk2025|greenblatt2024)-/;
    const htmlOf = (o: (typeof interactive)[number]) => (o.output_type === 'display_data' ? joinLines((o.data['text/html'] ?? '') as string | string[]) : '');
    assert.equal(interactive.filter((o) => published.test(htmlOf(o))).length, 4, "Koorndijk's three published figures and Greenblatt's one");
    for (const o of interactive) assert.equal(/SIMULATED/.test(htmlOf(o)), !published.test(htmlOf(o)), htmlOf(o).slice(-300));
  });
});
