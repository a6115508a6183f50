// The helpers the notebooks call: the shared configuration, the steps and what cells display.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadVariant } from '../src/prompts/index.js';
import { UserError } from '../src/core/errors.js';
import { loadNotebookConfig, projectPath, stepExperiment } from '../src/notebook/config.js';
import { baselineStep, mitigationStep, runStep, runSummaryLine, saveMitigationStatements, savedMitigationStatements } from '../src/notebook/steps.js';
import { notebookView, type DisplayHost } from '../src/notebook/view.js';
import { summaryHtml, tableHtml } from '../src/notebook/html.js';

const scratch = mkdtempSync(join(tmpdir(), 'af-lab-nbhelpers-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A project folder with notebooks/config.json holding `config`. */
function project(name: string, config: unknown): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'notebooks'), { recursive: true });
  writeFileSync(join(root, 'notebooks', 'config.json'), JSON.stringify(config));
  return root;
}

/** Records what a notebook would display: each display keeps its history of states. */
function recordingHost() {
  const shown: Array<{ kind: string; content: string }> = [];
  const boxes: string[][] = [];
  const display = (sink: (kind: string, content: string) => void) => ({
    html: (html: string) => sink('html', html),
    markdown: (markdown: string) => sink('markdown', markdown),
    png: (bytes: Uint8Array) => sink('png', `${bytes.length} bytes`),
  });
  const host: DisplayHost = {
    display: display((kind, content) => shown.push({ kind, content })),
    newDisplay() {
      const states: string[] = [];
      boxes.push(states);
      return display((_kind, content) => states.push(content));
    },
  };
  return { host, shown, boxes };
}

const small = { models: ['sim/faker'], reasoning: ['cot'], requests: { source: 'builtin', limit: 4 }, variants: ['duty-not-to-harm-simple'], afVotes: 3 };

describe('notebook configuration', () => {
  test('is found from the notebook folder, with paths resolved against the project root', () => {
    const root = project('found', { ...small, requests: { source: 'file', path: 'mine/requests.csv' } });
    const setup = loadNotebookConfig({ from: join(root, 'notebooks'), env: {} });
    assert.equal(setup.root, root);
    assert.equal(setup.experiment.outDir, join(root, 'data', 'results'));
    assert.equal(setup.experiment.cacheDir, join(root, 'data', 'cache'));
    assert.equal(setup.experiment.figuresDir, join(root, 'figures'));
    assert.equal(setup.experiment.requests.path, join(root, 'mine', 'requests.csv'));
    assert.equal(setup.simulated, true);
    assert.equal(projectPath(setup, join(root, 'data', 'results', 'x')), join('data', 'results', 'x'));
  });

  test('AF_LAB_DATA_DIR moves results, cache, figures and notebook data', () => {
    const root = project('moved', small);
    const dataDir = join(scratch, 'elsewhere');
    const setup = loadNotebookConfig({ from: root, env: { AF_LAB_DATA_DIR: dataDir } });
    assert.equal(setup.experiment.outDir, join(dataDir, 'results'));
    assert.equal(setup.experiment.cacheDir, join(dataDir, 'cache'));
    assert.equal(setup.experiment.figuresDir, join(dataDir, 'figures'));
    assert.equal(setup.notebookDataDir, join(dataDir, 'notebooks'));
    assert.equal(stepExperiment(setup, { name: 'step' }).cacheDir, join(dataDir, 'cache'));
  });

  test('a real model or judge makes the setup not simulated', () => {
    const setup = loadNotebookConfig({ from: project('real', { ...small, judge: 'openai/gpt-4o' }), env: {} });
    assert.equal(setup.simulated, false);
  });

  test('a missing file or a bad field is a UserError naming the fix', () => {
    assert.throws(() => loadNotebookConfig({ path: join(scratch, 'nowhere', 'notebooks', 'config.json'), env: {} }), (err: unknown) => err instanceof UserError && /not found/.test(err.message));
    assert.throws(() => loadNotebookConfig({ from: project('bad', { samples: 0 }), env: {} }), (err: unknown) => err instanceof UserError && /samples/.test(err.message));
  });

  test('a step keeps the shared choices and sets its own name and variants', () => {
    const setup = loadNotebookConfig({ from: project('step', small), env: {} });
    const step = baselineStep(setup);
    assert.equal(step.config.name, 'notebook-baseline');
    assert.deepEqual(step.config.variants, ['baseline']);
    assert.deepEqual(step.config.models, ['sim/faker']);
    assert.equal(step.config.afVotes, 3);
  });
});

describe('mitigation statements', () => {
  test('are saved as variant files that the mitigation step compares with the baseline and the built-ins', () => {
    const setup = loadNotebookConfig({ from: project('statements', small), env: {} });
    saveMitigationStatements(setup, { 'old-one': 'An earlier statement of duty.' });
    const [path] = saveMitigationStatements(setup, { 'my-duty': 'You keep your duties whatever the consequences.' });
    assert.deepEqual(savedMitigationStatements(setup), [path], 'saving replaces earlier statements');
    const variant = loadVariant(path);
    assert.equal(variant.name, 'my-duty');
    assert.equal(variant.body, 'You keep your duties whatever the consequences.');
    assert.deepEqual(mitigationStep(setup).config.variants, ['baseline', 'duty-not-to-harm-simple', path]);
  });

  test('may not take a built-in name or be empty', () => {
    const setup = loadNotebookConfig({ from: project('bad-statements', small), env: {} });
    assert.throws(() => saveMitigationStatements(setup, { 'duty-not-to-harm-simple': 'text' }), UserError);
    assert.throws(() => saveMitigationStatements(setup, { empty: '   ' }), UserError);
    assert.throws(() => saveMitigationStatements(setup, { 'has space': 'text' }), UserError);
  });
});

describe('what cells display', () => {
  test('a step draws one progress box to its final state, and a repeat samples nothing', async () => {
    const setup = loadNotebookConfig({ from: project('run', small), env: {} });
    const { host, boxes, shown } = recordingHost();
    const view = notebookView(host);
    const first = await runStep(baselineStep(setup), view);
    assert.equal(boxes.length, 1);
    const final = boxes[0].at(-1)!;
    assert.match(final, /samples 8\/8/);
    assert.match(final, /done/);
    assert.match(final, /SIMULATED/);
    assert.match(final, /spent \$0\.00/);
    assert.match(runSummaryLine(setup, first), /8 sampled by this cell/);
    const again = await runStep(baselineStep(setup));
    assert.equal(again.progress.calls, 0);
    assert.match(runSummaryLine(setup, again), /0 sampled by this cell with 0 model calls.*8 already on disk/);
    view.summary(first.summary, { labels: ['judge'] });
    const table = shown.at(-1)!.content;
    assert.match(table, /SIMULATED/);
    assert.equal((table.match(/<tr>/g) ?? []).length, 2, 'header and one judge row');
  });

  test('a real run shows what it spends against the budget', () => {
    const { host, boxes } = recordingHost();
    const live = notebookView(host).progress('priced', { simulated: false, budgetUsd: 1, throttleMs: 60_000 });
    live.costMeter.record('openai/gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 0 });
    live.onProgress({ total: 2, done: 1, resumed: 0, calls: 1, errors: 0 });
    assert.equal(boxes[0].length, 1, 'updates inside the throttle interval are not drawn');
    live.onProgress({ total: 2, done: 2, resumed: 0, calls: 2, errors: 0 });
    assert.match(boxes[0].at(-1)!, /spent \$0\.15 of a \$1\.00 budget/);
    assert.doesNotMatch(boxes[0].at(-1)!, /SIMULATED/);
  });

  test('a browser that fails to start is tried again by the next figures cell, not remembered', async () => {
    const saved = process.env.AF_LAB_CHROMIUM;
    const figure = { name: 'f', title: 'f', data: [], layout: {}, width: 100, height: 100 };
    const view = notebookView(recordingHost().host);
    try {
      for (const name of ['first', 'second']) {
        const notExecutable = join(scratch, `${name}-chrome`);
        writeFileSync(notExecutable, '', { mode: 0o644 });
        process.env.AF_LAB_CHROMIUM = notExecutable;
        await assert.rejects(view.figures([figure], { interactive: false }), (err: unknown) => err instanceof UserError && err.message.includes(notExecutable));
      }
    } finally {
      if (saved === undefined) delete process.env.AF_LAB_CHROMIUM;
      else process.env.AF_LAB_CHROMIUM = saved;
    }
  });

  test('tables escape what they show, and an unsimulated summary has no banner', () => {
    const html = tableHtml(['model'], [['<script>alert(1)</script>']]);
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;/);
    const summary = { run: 'r', simulated: false, records: 0, labels: [], confLevel: 0.95, rows: [] } as unknown as Parameters<typeof summaryHtml>[0];
    assert.doesNotMatch(summaryHtml(summary), /SIMULATED/);
  });
});
