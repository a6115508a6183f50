// The helpers the notebooks call: the shared configuration, the steps and what cells display.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadVariant } from '../src/prompts/index.js';
import { UserError } from '../src/core/errors.js';
import { loadNotebookConfig, projectPath, stepExperiment } from '../src/notebook/config.js';
import {
  baselineStep, estimateStep, mitigationStep, runStep, runSummaryLine, saveMitigationStatements, savedMitigationStatements, transcriptLink,
} from '../src/notebook/steps.js';
import { mitigationTable } from '../src/notebook/mitigation.js';
import { openRun } from '../src/pipeline/openRun.js';
import { notebookView, type DisplayHost } from '../src/notebook/view.js';
import { estimateRows, mathFreeMarkdown, progressHtml, summaryHtml, tableHtml, type ProgressState } from '../src/notebook/html.js';
import { configRows, publishedGaps, publishedRows, sampleSizeRows } from '../src/notebook/tables.js';
import { sampleSizeExact } from '../src/stats/power.js';
import { tempDir } from './helpers/tmp.js';

const scratch = tempDir('af-lab-nbhelpers-');
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
    text: (text: string) => sink('text', text),
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

  test('a bad entry leaves the saved set as it was: every name is checked before anything is written', () => {
    const setup = loadNotebookConfig({ from: project('atomic-statements', small), env: {} });
    const before = saveMitigationStatements(setup, { first: 'One duty.', second: 'Another duty.' });
    const dir = join(setup.root, 'notebooks', 'statements');
    const content = () => readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8'));
    const saved = content();
    const bads: Array<Record<string, string>> = [{ fine: 'A duty.', 'bad name': 'text' }, { fine: 'A duty.', empty: ' ' }, { fine: 'A duty.', baseline: 'x' }];
    for (const bad of bads) {
      assert.throws(() => saveMitigationStatements(setup, bad), UserError);
      assert.deepEqual(savedMitigationStatements(setup), before);
      assert.deepEqual(content(), saved);
    }
    assert.deepEqual(readdirSync(join(setup.root, 'notebooks')).sort(), ['config.json', 'statements'], 'no staging folder left');
  });

  test('with AF_LAB_DATA_DIR, notebook 03 saves there; until it has, the committed statements count', () => {
    const root = project('data-dir-statements', small);
    const committed = saveMitigationStatements(loadNotebookConfig({ from: root, env: {} }), { shipped: 'The shipped duty.' });
    const dataDir = join(scratch, 'statements-data');
    const setup = loadNotebookConfig({ from: root, env: { AF_LAB_DATA_DIR: dataDir } });
    assert.deepEqual(savedMitigationStatements(setup), committed);
    assert.deepEqual(mitigationStep(setup).config.variants, ['baseline', ...small.variants, ...committed]);
    const [mine] = saveMitigationStatements(setup, { mine: 'My own duty.' });
    assert.equal(mine, join(dataDir, 'notebooks', 'statements', 'mine.txt'));
    assert.deepEqual(savedMitigationStatements(setup), [mine]);
    assert.ok(existsSync(committed[0]), 'the committed statements are left alone');
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
    // No silent step (issue 25, item 5): after sampling and judging, the box says what it is doing.
    const states = boxes[0].join('\n');
    assert.match(states, /labelling · [^]*labelling records 8\/8/);
    for (const step of ['summary', 'report']) assert.match(states, new RegExp(`writing the ${step}`), step);
    assert.doesNotMatch(final, /writing the|labelling records/, 'the final state names no step under way');
    assert.match(runSummaryLine(setup, first), /8 sampled by this cell/);
    const again = await runStep(baselineStep(setup));
    assert.equal(again.progress.calls, 0);
    assert.match(runSummaryLine(setup, again), /0 sampled by this cell with 0 model calls.*8 already on disk/);
    view.summary(first.summary, { labels: ['compliance'] });
    const table = shown.at(-1)!.content;
    assert.match(table, /SIMULATED/);
    // Header and one judge row in the compact table and in each part of the full one (split to fit the output area).
    const tables = (table.match(/<table/g) ?? []).length;
    assert.ok(tables >= 2);
    assert.equal((table.match(/<tr>/g) ?? []).length, 2 * tables, 'header and one judge row, in the compact and the full table');
    // The judging line names each classifier and what it read (the AF classifier: both tiers' scratchpads).
    assert.match(final, /judged \d+\/\d+: compliance judge 8 answers, AF classifier 8 scratchpads, partial-compliance judge 8 answers/);
    // A copy of the transcript report beside the notebook, and a relative link to it.
    const notebookDir = join(scratch, 'run-notebook-folder');
    const link = transcriptLink(setup, first, notebookDir);
    assert.match(link, /^\[Open the transcript browser\]\(reports\/notebook-baseline\.html\)/);
    assert.equal(readFileSync(join(notebookDir, 'reports', 'notebook-baseline.html'), 'utf8'), readFileSync(first.reportFile!, 'utf8'));
  });

  test('a step with no samples draws one box: what it does, how far, and done or failed', async () => {
    const { host, boxes } = recordingHost();
    const view = notebookView(host);
    const task = view.task('reading', { throttleMs: 60_000 });
    const onRecord = task.onRecord('reading data/results/x');
    onRecord(10_000, false);
    onRecord(20_000, false);
    onRecord(25_000, true);
    task.finish();
    assert.equal(boxes.length, 1);
    assert.match(boxes[0][0], /reading<\/b> · working/);
    assert.match(boxes[0].join('\n'), /reading data\/results\/x 10,000/);
    assert.match(boxes[0].at(-1)!, /reading<\/b> · done[^]*reading data\/results\/x: done 25,000/);
    const failing = view.task('figures');
    failing.step('drawing the figures', 1, 3);
    assert.match(boxes[1].at(-1)!, /drawing the figures 1\/3/);
    failing.fail('no browser');
    assert.match(boxes[1].at(-1)!, /failed:<\/b> no browser/);
  });

  test('the estimate and the mitigation table of a run say what they do in a box', async () => {
    const setup = loadNotebookConfig({ from: project('boxes', small), env: {} });
    const { host, boxes } = recordingHost();
    const view = notebookView(host);
    await estimateStep(baselineStep(setup), view);
    assert.match(boxes[0].join('\n'), /estimating the plan/);
    assert.match(boxes[0].at(-1)!, /· done/);
    const run = await runStep(baselineStep(setup));
    // Reading a run for its mitigation table: a box counts the records as they are read.
    const task = view.task('mitigation table');
    const summary = openRun(run.runDir, { onRecord: task.onRecord(`reading ${run.runDir}`), every: 1_000 }).summary();
    task.finish();
    const table = mitigationTable(summary);
    assert.equal(table.rows.length, table.comparisons.length);
    assert.equal(table.sentences.length, Math.max(1, table.comparisons.length));
    assert.match(boxes[1].at(-1)!, /mitigation table<\/b> · done[^]*: done 8/);
  });

  test('a real run shows what it spends against the budget', () => {
    const { host, boxes } = recordingHost();
    const live = notebookView(host).progress('priced', { simulated: false, budgetUsd: 1, throttleMs: 60_000 });
    live.costMeter.record('openai/gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 0 });
    live.onProgress({ total: 200, done: 1, resumed: 0, calls: 1, errors: 0 });
    assert.equal(boxes[0].length, 1, 'updates inside the throttle interval are not drawn');
    live.onProgress({ total: 200, done: 200, resumed: 0, calls: 200, errors: 0 });
    assert.match(boxes[0].at(-1)!, /spent \$0\.15 of a \$1\.00 budget/);
    assert.doesNotMatch(boxes[0].at(-1)!, /SIMULATED/);
  });

  test('inside the throttle interval, each tenth of the way is still drawn', () => {
    const { host, boxes } = recordingHost();
    const live = notebookView(host).progress('fast', { simulated: true, throttleMs: 60_000 });
    for (let done = 1; done <= 100; done++) live.onProgress({ total: 100, done, resumed: 0, calls: done, errors: 0 });
    const shown = boxes[0].map((html) => /samples (\d+)\/100/.exec(html)?.[1] ?? 'none');
    assert.deepEqual(shown, ['none', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
    for (let done = 1; done <= 50; done++) live.onJudgeProgress({ done, total: 50, kind: 'compliance' });
    const judged = boxes[0].map((html) => /judged (\d+)\/50/.exec(html)?.[1]).filter(Boolean);
    assert.deepEqual(judged, ['1', '5', '10', '15', '20', '25', '30', '35', '40', '45', '50'], 'the switch to judging, then each tenth');
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

  test('what the view draws keeps its dollar signs from MathJax', () => {
    const { host, shown, boxes } = recordingHost();
    const view = notebookView(host);
    view.html('<p>$1 and $2</p>');
    view.markdown('spent $0.00 of a $20.00 budget, in `$HOME`');
    view.progress('priced', { simulated: false, budgetUsd: 20 });
    assert.equal(shown[0].content, '<div class="tex2jax_ignore mathjax_ignore"><p>$1 and $2</p></div>');
    const noMath = (text: string) => `<div class="tex2jax_ignore mathjax_ignore">\n\n${text}\n\n</div>`;
    assert.equal(shown[1].content, noMath('spent &#36;0.00 of a &#36;20.00 budget, in `$HOME`'));
    assert.match(boxes[0][0], /^<div class="tex2jax_ignore mathjax_ignore">.*spent \$0\.00 of a \$20\.00 budget/s);
    assert.equal(mathFreeMarkdown('already \\$5, then $6 and $$'), noMath('already &#36;5, then &#36;6 and &#36;&#36;'));
  });

  test('the SIMULATED banner is shown once, as HTML whose words an untrusted notebook still shows', () => {
    const { host, shown } = recordingHost();
    notebookView(host).simulatedBanner();
    assert.deepEqual(shown.map((s) => s.kind), ['html']);
    assert.match(shown[0].content, /<b>⚠ SIMULATED:<\/b> these numbers come from af-lab&#39;s built-in simulator/);
  });

  test('a table wider than an output area is split into tables of whole columns that fit, each naming the row', () => {
    const { host, shown } = recordingHost();
    const columns = ['condition', ...Array.from({ length: 30 }, (_, i) => `paid complied ${i}`)];
    const rows = [Object.fromEntries(columns.map((c, i) => [c, i === 0 ? 'sim/faker · baseline · CoT' : i * 1000]))];
    notebookView(host).table(rows, 'Baseline: notebook-baseline');
    const tables = shown[0].content.split('<table').slice(1);
    assert.ok(tables.length >= 3, `${tables.length} tables`);
    const headers = tables.map((t) => [...t.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]));
    // Each part starts with the column that names the row; together they hold every column once, in order.
    assert.ok(headers.every((h) => h[0] === 'condition'));
    assert.deepEqual(headers.flatMap((h) => h.slice(1)), columns.slice(1));
    // Each part fits: 12 px monospace, about 7.2 px a character plus padding.
    for (const h of headers) assert.ok(h.reduce((px, name) => px + 7.2 * (name === 'condition' ? 26 : name.length) + 14, 0) <= 960, h.join(', '));
    assert.match(shown[0].content, /Baseline: notebook-baseline \(continued, 2 of \d\)/);
  });

  test('a long text wraps in its cell instead of widening the table', () => {
    const { host, shown } = recordingHost();
    notebookView(host).table([{ persona: 'sim/faker', describes: 'fakes alignment: complies more when it believes it is trained, and says why in its scratchpad' }]);
    assert.match(shown[0].content, /white-space:normal;min-width:240px;max-width:480px">fakes alignment/);
    assert.doesNotMatch(shown[0].content, /max-width:480px">sim\/faker/);
  });

  test('a table of simulated numbers carries the mark; key columns come first and the rest on demand', () => {
    const { host, shown } = recordingHost();
    const view = notebookView(host);
    const rows = [{ model: 'sim/faker', free_rate: 0.2, paid_rate: 0.05, fisher_p: 0.03 }];
    view.table(rows, 'plain');
    view.table(rows, 'marked', { simulated: true, keyColumns: ['model', 'fisher_p'] });
    assert.doesNotMatch(shown[0].content, /SIMULATED|<details>/);
    const [compact, all] = shown[1].content.split('<details>');
    assert.match(compact, /<b>SIMULATED<\/b>/);
    assert.deepEqual([...compact.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]), ['model', 'fisher_p']);
    assert.match(all, /show all 4 columns/);
    assert.deepEqual([...all.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]), ['model', 'free_rate', 'paid_rate', 'fisher_p']);
    assert.throws(() => view.table(rows, 'typo', { keyColumns: ['model', 'fisher'] }), (err: unknown) => err instanceof UserError && /"fisher"/.test(err.message));
  });

  test('the progress box says which classifier judged what, never just "partial"', () => {
    const state: ProgressState = {
      title: 't', simulated: true, phase: 'judging', spentUsd: 0, unpriced: [], elapsedMs: 0,
      samples: { done: 4, total: 4, resumed: 0, calls: 4, errors: 0 },
      judging: { done: 9, total: 10, byKind: { compliance: 4, af: 2, partial: 3 } },
    };
    const html = progressHtml(state);
    assert.match(html, /judged 9\/10: compliance judge 4 answers, AF classifier 2 scratchpads, partial-compliance judge 3 answers/);
    assert.doesNotMatch(html, /\(partial\)/);
  });

  test('the fixed tables read their numbers from the configuration and data/published/', () => {
    const setup = loadNotebookConfig({ from: project('rows', { ...small, budgetUsd: 5 }), env: {} });
    const settings = Object.fromEntries(configRows(setup.experiment).map((r) => [r.setting, r.value]));
    assert.equal(settings.models, 'sim/faker');
    assert.equal(settings.requests, 'builtin, first 4');
    assert.equal(settings.budget, '$5');
    const published = publishedRows();
    const baseline2 = published.find((r) => r.condition === 'Baseline 2')!;
    assert.deepEqual([baseline2['p agrees'], baseline2['sample OR'], baseline2['OR printed'], baseline2['OR agrees']], ['yes', 5.02, '5.09', 'no']);
    assert.ok(published.every((r) => r['p agrees'] === 'yes'), 'every printed p-value agrees with the counts');
    const promptA = published.find((r) => String(r.condition).startsWith('Prompt A'))!;
    assert.equal(promptA['OR agrees'], '–', 'no odds ratio printed');
    const gaps = publishedGaps();
    assert.equal(gaps.length, published.length);
    const [first] = sampleSizeRows(gaps.slice(0, 1));
    assert.equal(first.comparison, 'Baseline 1 (15.3% vs 4.2%)');
    assert.equal(first['requests per tier for 80% power'], sampleSizeExact({ gap: 15 / 98 - 4 / 95, base: 4 / 95 }).perTier);
    assert.equal(first.method, "Fisher's exact");
    // A gap too small for the exact search is sized by the normal approximation, and the row says so.
    const [tiny] = sampleSizeRows([{ comparison: 'tiny', gap: 0.002, base: 0.04 }]);
    assert.equal(tiny.method, 'normal approximation');
  });

  test('a list of sentences is escaped, bulleted, and marked SIMULATED only when asked', () => {
    const { host, shown } = recordingHost();
    const view = notebookView(host);
    view.list(['gap <fell>', 'paid rose'], { simulated: true });
    view.list(['published']);
    assert.match(shown[0].content, /<b>SIMULATED<\/b>.*<li>gap &lt;fell&gt;<\/li><li>paid rose<\/li>/s);
    assert.doesNotMatch(shown[1].content, /SIMULATED/);
  });

  test('an estimate is one row per model and a total, for view.table', () => {
    const estimate = { models: [{ model: 'm', samples: 4, calls: 8, inputTokens: 100, outputTokens: 50, usd: 0.5, worstCaseUsd: 1 }], totalUsd: 0.5, worstCaseUsd: 1 } as unknown as Parameters<typeof estimateRows>[0];
    assert.deepEqual(estimateRows(estimate), [
      { model: 'm', samples: 4, calls: 8, 'input tokens': 100, 'output tokens': 50, expected: '$0.50', 'worst case': '$1.00' },
      { model: 'total', samples: '', calls: '', 'input tokens': '', 'output tokens': '', expected: '$0.50', 'worst case': '$1.00' },
    ]);
  });

  test('tables escape what they show, and an unsimulated summary has no banner', () => {
    const html = tableHtml(['model'], [['<script>alert(1)</script>']]);
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;/);
    const summary = { run: 'r', simulated: false, records: 0, labels: [], confLevel: 0.95, rows: [] } as unknown as Parameters<typeof summaryHtml>[0];
    assert.doesNotMatch(summaryHtml(summary), /SIMULATED/);
  });
});
