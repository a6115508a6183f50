// The five notebooks as a researcher meets them: a real classic Jupyter Notebook server (Debian's
// jupyter-notebook 6.4) on loopback with the tslab kernel, opened in headless Chromium. Each notebook
// is cleared and run through the UI (Kernel > Restart & Run All) on a fresh data folder, then the
// page is read: no error output, every plotly figure drawn and no wider than its output area,
// the SIMULATED mark on every output with simulated numbers, dollar signs left alone by MathJax,
// the live progress box redrawn while sampling, a transcript link that opens. The notebooks run on
// copies in a hidden folder under notebooks/, so the committed files are never saved over.
// A screenshot of each notebook goes to a folder that a failure names (AF_LAB_SCREENSHOTS keeps them). Needs `npm run build` first
// (the notebooks import af-lab's dist/, as `npm test` builds it). Skipped, with the reason, where
// jupyter-notebook or Chromium is missing; CI installs both (.ci/run).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium, NO_BROWSER_HINT } from '../src/browser/index.js';
import { notebookServerMissing, startNotebookServer, type NotebookServer } from './helpers/jupyter.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const root = resolve(import.meta.dirname, '..');
const missing = notebookServerMissing() ?? (findChromium() ? null : NO_BROWSER_HINT);
const skip = missing ? `skipped: ${missing}` : false;
if (missing) console.log(`# notebooks-browser ${skip}`);

// Measured on a loaded 2-core machine: a notebook took 27-63 s from Restart & Run All to idle, a
// kernel 5-10 s to start. The limits are ten times that: they catch a hang, not a slow machine.
const RUN_ALL_TIMEOUT_MS = scaled(600_000);
const KERNEL_READY_TIMEOUT_MS = scaled(180_000);

interface NotebookCase {
  name: string;
  /** Samples on a fresh data folder, so its progress box must be seen moving. */
  samples: boolean;
  /** Interactive figures it draws. */
  figures: number;
}
const NOTEBOOKS: NotebookCase[] = [
  { name: '01-setup', samples: false, figures: 0 },
  { name: '02-baseline', samples: true, figures: 0 },
  { name: '03-deontological-mitigation', samples: true, figures: 1 },
  { name: '04-statistics', samples: false, figures: 0 },
  { name: '05-plots', samples: false, figures: 13 },
];

/**
 * Tables whose numbers are not simulated, by caption: the configuration, requests, conditions,
 * cost estimates (computed from token counts and prices), the published counts and sample sizes.
 */
const NOT_SIMULATED_CAPTIONS = [
  /^notebooks\/config\.json$/,
  /^\d+ requests; the first six$/,
  /^Conditions compared$/,
  /^(Baseline|Statements of duty): notebook-(baseline|mitigation)$/,
  /^Baseline with real models \(estimate only\)$/,
  /^Koorndijk 2025/,
  /^Requests per tier that Fisher's exact test needs/,
];

/** Figures of a paper's published numbers (notebook 05), by their element id (named after the table in
 * data/published/); "this run beside the paper" (`af-lab-beside-…`) is simulated. */
const PUBLISHED_FIGURE = /^af-lab-(?:koorndijk2025|greenblatt2024)-/;

/** What the test reads from a notebook page once it has run. */
interface PageReport {
  codeCells: number;
  numbered: number;
  errors: string[];
  mathJaxInOutputs: number;
  plots: Array<{ drawn: boolean; width: number; room: number }>;
  outputs: Array<{ text: string; captions: string[]; hasTable: boolean; hasPlot: boolean; figureIds: string[] }>;
  progressTexts: string[];
  /** SIMULATED banners drawn as HTML, and the same words repeated as plain-text outputs. */
  banners: number;
  plainBanners: number;
  /** Output areas the notebook collapsed into a scroll box (classic Jupyter's output_scroll), with their height. */
  scrollBoxes: Array<{ height: number; content: number }>;
  /** Tables wider than their output area. */
  wideTables: Array<{ caption: string; width: number; room: number }>;
}

describe('the notebooks in a real Jupyter Notebook, through the browser', { skip }, () => {
  const copyName = `.browser-test-${process.pid}`;
  const copyDir = join(root, 'notebooks', copyName);
  const scratch = tempDir('af-lab-jupyter-');
  const dataDir = join(scratch, 'data');
  // AF_LAB_SCREENSHOTS=<folder> keeps every screenshot there, failure or not (to look at the pages).
  const keepScreenshots = process.env.AF_LAB_SCREENSHOTS;
  const screenshots = keepScreenshots ?? tempDir('af-lab-notebook-screenshots-');
  let server: NotebookServer;
  let browser: Browser;
  let failed = false;
  const committed = new Map(NOTEBOOKS.map(({ name }) => [name, readFileSync(join(root, 'notebooks', `${name}.ipynb`), 'utf8')]));

  before(async () => {
    assert.ok(existsSync(join(root, 'dist', 'index.js')), 'the notebooks import af-lab from dist/: run `npm run build` first');
    // The notebooks import af-lab through notebooks/node_modules/af-lab: make sure the link is there.
    execFileSync(process.execPath, [join(root, 'scripts', 'link-self.mjs')]);
    mkdirSync(copyDir, { recursive: true });
    for (const { name } of NOTEBOOKS) copyFileSync(join(root, 'notebooks', `${name}.ipynb`), join(copyDir, `${name}.ipynb`));
    server = await startNotebookServer({
      root,
      binDir: join(root, 'node_modules', '.bin'),
      scratch,
      env: { AF_LAB_DATA_DIR: dataDir },
      startupTimeoutMs: KERNEL_READY_TIMEOUT_MS,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(copyDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    if (failed || keepScreenshots) console.log(`# notebook screenshots kept in ${screenshots}`);
    else rmSync(screenshots, { recursive: true, force: true });
  });

  /** Open a notebook and wait until its kernel has answered. */
  async function open(name: string): Promise<{ page: Page; pageErrors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.notebookUrl(`notebooks/${copyName}/${name}.ipynb`));
    await page.waitForFunction(
      () => {
        const jupyter = (window as unknown as { Jupyter?: { notebook?: { kernel?: { info_reply?: { protocol_version?: string } } } } }).Jupyter;
        return jupyter?.notebook?.kernel?.info_reply?.protocol_version && document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
      },
      null,
      { timeout: KERNEL_READY_TIMEOUT_MS },
    );
    return { page, pageErrors };
  }

  /** Clear the committed outputs, watch the progress box, then Kernel > Restart & Run All and wait for idle. */
  async function restartAndRunAll(page: Page): Promise<void> {
    await page.evaluate(() => {
      (window as unknown as { Jupyter: { notebook: { clear_all_output(): void } } }).Jupyter.notebook.clear_all_output();
      // Every state the progress box is drawn in (tslab redraws it in place with update_display_data).
      const seen: string[] = [];
      (window as unknown as { afProgress: string[] }).afProgress = seen;
      new MutationObserver(() => {
        for (const output of Array.from(document.querySelectorAll('.output_subarea'))) {
          const text = output.textContent ?? '';
          if (/samples \d+\/\d+/.test(text) && seen.at(-1) !== text) seen.push(text);
        }
      }).observe(document.querySelector('#notebook-container')!, { childList: true, subtree: true, characterData: true });
    });
    await page.click('#kernellink');
    await page.click('#restart_run_all > a');
    await page.click('.modal-footer button.btn-danger'); // "Restart and Run All Cells"
    await page.waitForFunction(
      () => {
        const prompts = Array.from(document.querySelectorAll('.code_cell .input_prompt')).map((e) => e.textContent ?? '');
        const idle = document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
        const stopped = document.querySelector('.output_error, .output_stderr');
        return idle && !prompts.some((p) => p.includes('*')) && (stopped || prompts.every((p) => /\[\d+\]/.test(p)));
      },
      null,
      { timeout: RUN_ALL_TIMEOUT_MS, polling: 500 },
    );
  }

  async function screenshot(page: Page, name: string): Promise<string> {
    // The notebook scrolls inside #site; let the page grow so a full-page shot holds every cell.
    await page.addStyleTag({ content: '#site { height: auto !important; overflow: visible !important; } body { overflow: visible !important; }' });
    mkdirSync(screenshots, { recursive: true });
    const path = join(screenshots, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  function read(page: Page): Promise<PageReport> {
    return page.evaluate(() => {
      const subareas = Array.from(document.querySelectorAll<HTMLElement>('.output_subarea'));
      return {
        codeCells: document.querySelectorAll('.code_cell').length,
        numbered: Array.from(document.querySelectorAll('.code_cell .input_prompt')).filter((e) => /\[\d+\]/.test(e.textContent ?? '')).length,
        errors: Array.from(document.querySelectorAll('.output_error, .output_stderr')).map((e) => (e.textContent ?? '').slice(0, 500)),
        mathJaxInOutputs: document.querySelectorAll('.output_area .MathJax, .output_area .MathJax_Preview, .output_area script[type^="math/tex"]').length,
        plots: Array.from(document.querySelectorAll<HTMLElement>('.js-plotly-plot')).map((plot) => ({
          drawn: plot.querySelector('.main-svg') !== null && plot.getBoundingClientRect().height > 0,
          width: Math.max(plot.getBoundingClientRect().width, ...Array.from(plot.querySelectorAll('.main-svg')).map((svg) => svg.getBoundingClientRect().width)),
          room: plot.closest('.output_subarea')!.getBoundingClientRect().width,
        })),
        outputs: subareas.map((area) => ({
          text: area.textContent ?? '',
          captions: Array.from(area.querySelectorAll('caption')).map((c) => (c.textContent ?? '').trim()),
          hasTable: area.querySelector('table') !== null,
          hasPlot: area.querySelector('.js-plotly-plot') !== null,
          figureIds: Array.from(area.querySelectorAll('.af-lab-figure')).map((e) => e.id),
        })),
        progressTexts: (window as unknown as { afProgress: string[] }).afProgress,
        banners: Array.from(document.querySelectorAll('.output_html')).filter((e) => (e.textContent ?? '').trim().startsWith('⚠ SIMULATED:')).length,
        plainBanners: Array.from(document.querySelectorAll('.output_text')).filter((e) => (e.textContent ?? '').includes('⚠ SIMULATED:')).length,
        scrollBoxes: Array.from(document.querySelectorAll<HTMLElement>('.output_scroll')).map((e) => ({ height: e.getBoundingClientRect().height, content: e.scrollHeight })),
        wideTables: Array.from(document.querySelectorAll<HTMLElement>('.output_subarea table')).flatMap((table) => {
          const room = table.closest('.output_subarea')!.getBoundingClientRect().width;
          const width = table.getBoundingClientRect().width;
          // A table under a closed "show all columns" switch is not drawn (width 0): open it to measure.
          return width > room + 1 ? [{ caption: (table.querySelector('caption')?.textContent ?? '').trim(), width, room }] : [];
        }),
      };
    });
  }

  for (const notebook of NOTEBOOKS) {
    test(`${notebook.name}: Restart & Run All in the browser`, { timeout: RUN_ALL_TIMEOUT_MS + 2 * KERNEL_READY_TIMEOUT_MS }, async () => {
      const { page, pageErrors } = await open(notebook.name);
      let shot = '(no screenshot)';
      try {
        await restartAndRunAll(page);
        // Open every "show all columns" switch, so the full tables are drawn and measured too.
        await page.evaluate(() => document.querySelectorAll('.output_subarea details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
        shot = await screenshot(page, notebook.name);
        const report = await read(page);
        const where = `(screenshot: ${shot})`;

        assert.deepEqual(report.errors, [], `error output ${where}`);
        assert.equal(report.numbered, report.codeCells, `every code cell ran ${where}`);
        assert.deepEqual(pageErrors, [], `errors in the page's scripts ${where}`);
        assert.equal(report.mathJaxInOutputs, 0, `MathJax typeset something in an output ${where}`);

        assert.equal(report.plots.length, notebook.figures, `interactive figures ${where}`);
        report.plots.forEach((plot, i) => {
          assert.ok(plot.drawn, `figure ${i + 1} is drawn ${where}`);
          assert.ok(plot.width <= plot.room + 1, `figure ${i + 1} is ${plot.width} px wide in a ${plot.room} px output area ${where}`);
        });

        // Sized to the pane: no output collapsed into a nested scroll box, no table wider than its output area.
        assert.deepEqual(report.scrollBoxes, [], `outputs in scroll boxes ${where}`);
        assert.deepEqual(report.wideTables, [], `tables wider than the output area ${where}`);

        // The configuration is simulated: the banner is there once (not again as plain text), and
        // every output showing simulated numbers (a table, a figure, the progress box) says SIMULATED.
        assert.ok(report.banners >= 1, `the SIMULATED banner ${where}`);
        assert.equal(report.plainBanners, 0, `the SIMULATED banner repeated as plain text ${where}`);
        const results = report.outputs.filter((o) => (o.hasPlot && !o.figureIds.some((id) => PUBLISHED_FIGURE.test(id))) || /samples \d+\/\d+/.test(o.text) || (o.hasTable && !o.captions.some((c) => NOT_SIMULATED_CAPTIONS.some((re) => re.test(c)))));
        for (const output of results) {
          assert.match(output.text, /SIMULATED/, `no SIMULATED mark on "${output.captions[0] ?? output.text.slice(0, 80)}" ${where}`);
        }

        const progress = report.progressTexts;
        if (progress.length) assert.match(progress.at(-1)!, /spent \$0\.00 of a \$20\.00 budget/, `dollar signs in the progress box ${where}`);
        if (notebook.samples) {
          const whileSampling = progress.filter((text) => {
            const [, done, total] = /samples (\d+)\/(\d+)/.exec(text) ?? [];
            // Judging overlaps sampling: the box may already say "judging" while samples still come in.
            return Number(done) < Number(total);
          });
          const states = progress.map((text) => text.slice(0, 160)).join("\n");
          assert.ok(whileSampling.length >= 2, `the progress box was drawn ${whileSampling.length} times while sampling:\n${states}\n${where}`);
        }

        if (notebook.name === '02-baseline') {
          // The transcript browser opens from its link: the Jupyter server serves the copy beside the
          // notebook. Followed as a click does: same session cookie, the notebook as referer (the
          // server refuses /files/ requests without one).
          const href = await page.locator('.output_subarea a', { hasText: 'Open the transcript browser' }).getAttribute('href');
          assert.equal(href, 'reports/notebook-baseline.html');
          const reportPage = await page.context().newPage();
          try {
            await reportPage.goto(new URL(href, page.url()).href, { referer: page.url() });
            await reportPage.waitForSelector('#count[data-count]', { timeout: scaled(60_000) });
            assert.ok(Number(await reportPage.getAttribute('#count', 'data-count')) > 0, 'the report lists transcripts');
            assert.match((await reportPage.textContent('#simulated-banner')) ?? '', /SIMULATED/);
          } finally {
            await reportPage.close();
          }
        }
      } catch (err) {
        failed = true;
        if (shot === '(no screenshot)') shot = await screenshot(page, notebook.name).catch(() => shot);
        if (err instanceof Error) err.message += `\nscreenshots: ${screenshots}\nnotebook server log (end):\n${server.log().slice(-3000)}`;
        throw err;
      } finally {
        await page.context().close();
      }
    });
  }

  test('the committed notebooks are left as they were', () => {
    for (const { name } of NOTEBOOKS) {
      assert.equal(readFileSync(join(root, 'notebooks', `${name}.ipynb`), 'utf8'), committed.get(name), name);
    }
  });
});
