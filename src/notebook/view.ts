// What a notebook cell shows: tables, prompts, figures and live progress, drawn through tslab's
// display functions. The notebook passes tslab in (`notebookView(tslab)`), so af-lab itself never
// depends on running inside a kernel, and the same view works with any object of that shape.
import { join } from 'node:path';
import { NO_BROWSER_HINT } from '../browser/find.js';
import { CostMeter } from '../cost/meter.js';
import { figureHtml } from '../plots/html.js';
import { FigureRenderer } from '../plots/render.js';
import type { Figure } from '../plots/figure.js';
import type { RunProgress } from '../run/runner.js';
import { type Summary } from '../summary/index.js';
import { writeFileAtomic } from '../core/files.js';
import {
  frameHtml, listHtml, mathFreeHtml, mathFreeMarkdown, progressHtml, promptHtml, recordsHtml, simulatedBannerHtml, summaryHtml, taskHtml,
  type FrameLike, type ProgressState, type TaskState, type SummaryHtmlOptions, type TableCell, type TableViewOptions,
} from './html.js';
import type { JudgeKind } from '../judge/types.js';
import type { ExperimentStep } from '../pipeline/experiment.js';
import type { BatchProgress } from '../pipeline/batch/index.js';

/** The part of tslab's `Display` af-lab uses. */
export interface DisplayLike {
  html(html: string): void;
  markdown(markdown: string): void;
  text(text: string): void;
  png(bytes: Uint8Array): void;
}

/** The tslab module (`import * as tslab from 'tslab'`), or anything with the same two members. */
export interface DisplayHost {
  display: DisplayLike;
  newDisplay(): DisplayLike;
}

/** Handlers for runExperiment that draw one overwritable progress box and meter the spend. */
export interface LiveProgress {
  costMeter: CostMeter;
  onProgress(progress: RunProgress): void;
  onJudgeProgress(progress: { done: number; total: number; kind: string }): void;
  /** The steps after sampling (runExperiment's onStep): labelling n/N, summary, figures, report. */
  onStep(step: ExperimentStep): void;
  /** A batched step's batches (runExperimentBatched's `batch.onProgress`): drawn when a batch moves on. */
  onBatchProgress(progress: BatchProgress): void;
  /** Draw the step as returned with batches in flight (a cell that does not wait: re-run it later). */
  waiting(): void;
  /** Draw the final state (always, even when the last update was throttled). */
  finish(stopped?: boolean): void;
  /** Draw the step as failed, with the error's one line, so the box never stays frozen mid-way. */
  fail(reason: string): void;
  readonly state: ProgressState;
}

/** One overwritable box for a step with no samples: reading a run, an estimate, drawing figures. */
export interface LiveTask {
  /** Say what the step does now, and how far (drawn at once when the name changes, else throttled). */
  step(name: string, done?: number, total?: number): void;
  /** An openRun `onRecord` callback: `<what>` with the records read so far. */
  onRecord(what: string): (read: number, done: boolean) => void;
  finish(): void;
  fail(reason: string): void;
  readonly state: TaskState;
}

export interface ProgressOptions {
  simulated: boolean;
  budgetUsd?: number;
  /**
   * Least time between two redraws (default 250 ms). Each tenth of the samples or judgements done
   * and the final state are drawn whatever the time, so the box moves even when the simulator
   * samples in under a second.
   */
  throttleMs?: number;
  /** An existing meter to account into (default: a new one with `budgetUsd`). */
  costMeter?: CostMeter;
}

export interface FigureOptions {
  /** Draw the interactive plotly figure (default true). The static PNG is always shown when a browser is found. */
  interactive?: boolean;
  /** Also write each PNG here as `<figure name>.png`. */
  pngDir?: string;
  /** PNG pixel density (default 1, which keeps a notebook with several figures small). */
  scale?: number;
}

export interface NotebookView {
  /** HTML, with its dollar signs kept from MathJax (as everything this view draws). */
  html(html: string): void;
  /** Markdown, with its dollar signs kept from MathJax. */
  markdown(markdown: string): void;
  /**
   * The SIMULATED banner, once: red HTML, whose words every front end shows, even a notebook opened
   * untrusted (classic Jupyter then strips the style; it hides Markdown outputs, so it is not Markdown).
   */
  simulatedBanner(): void;
  /**
   * A danfojs DataFrame (or any {columns, values}) or a list of plain records, as an HTML table;
   * `simulated` marks simulated numbers, `keyColumns` shows those first and the rest on demand.
   */
  table(data: FrameLike | ReadonlyArray<Record<string, TableCell>>, caption?: string, options?: TableViewOptions): void;
  /** Sentences as a bulleted list (e.g. a table's `sentences`); `simulated` marks sentences about simulated numbers. */
  list(items: readonly string[], options?: { simulated?: boolean }): void;
  summary(summary: Summary, options?: SummaryHtmlOptions): void;
  prompt(title: string, text: string): void;
  progress(title: string, options: ProgressOptions): LiveProgress;
  /** A box for a step with no samples (no silent step: reading a run, an estimate, figures). */
  task(title: string, options?: { throttleMs?: number }): LiveTask;
  /** Each figure inline: interactive (plotly) and as a static PNG, so a notebook viewed on GitHub still shows it. */
  figures(figures: Figure[], options?: FigureOptions): Promise<void>;
}

/**
 * One headless browser for the figures of consecutive cells (launching takes seconds), closed once
 * no cell has used it for `idleMs`, so an idle kernel holds no browser.
 */
class SharedRenderer {
  private renderer: Promise<FigureRenderer | null> | undefined;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {}

  acquire(): Promise<FigureRenderer | null> {
    clearTimeout(this.idle);
    // A launch that failed is not kept: the next cell tries again (after the user fixed AF_LAB_CHROMIUM, say).
    this.renderer ??= FigureRenderer.open().catch((err: unknown) => {
      this.renderer = undefined;
      throw err;
    });
    return this.renderer;
  }

  release(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      const closing = this.renderer;
      this.renderer = undefined;
      // An unhandled rejection here would end the kernel.
      void closing?.then((renderer) => renderer?.close()).catch(() => undefined);
    }, this.idleMs);
  }
}

/**
 * Hosts (kernels) whose notebook already holds plotly.js: one copy per notebook, also when cells
 * make several views. The first interactive figure carries it; later ones reuse `window.Plotly`.
 */
const hostsWithPlotly = new WeakSet<DisplayHost>();
/** Which tenth of the way a count is (0-10). */
const tenthOf = ({ done, total }: { done: number; total: number }) => (total > 0 ? Math.floor((10 * done) / total) : 0);

export function notebookView(host: DisplayHost, options: { rendererIdleMs?: number } = {}): NotebookView {
  const renderers = new SharedRenderer(options.rendererIdleMs ?? 1500);
  const html = (content: string) => host.display.html(mathFreeHtml(content));
  const view: NotebookView = {
    html,
    markdown: (markdown) => host.display.markdown(mathFreeMarkdown(markdown)),
    simulatedBanner() {
      // One banner: an untrusted notebook still shows this HTML's words (classic Jupyter strips its style only).
      html(simulatedBannerHtml());
    },
    table(data, caption, options) {
      html(Array.isArray(data) ? recordsHtml(data, caption, options) : frameHtml(data as FrameLike, caption, options));
    },
    list: (items, options) => html(listHtml(items, options)),
    summary: (summary, options) => html(summaryHtml(summary, options)),
    prompt: (title, text) => html(promptHtml(title, text)),
    progress(title, options) {
      const box = host.newDisplay();
      const meter = options.costMeter ?? new CostMeter({ budgetUsd: options.budgetUsd });
      const started = Date.now();
      const throttle = options.throttleMs ?? 250;
      let drawnAt = 0;
      const state: ProgressState = {
        title,
        simulated: options.simulated,
        phase: 'sampling',
        samples: { done: 0, total: 0, resumed: 0, calls: 0, errors: 0 },
        spentUsd: 0,
        budgetUsd: options.budgetUsd ?? meter.budgetUsd,
        unpriced: [],
        elapsedMs: 0,
      };
      const draw = (force: boolean) => {
        const now = Date.now();
        if (!force && now - drawnAt < throttle) return;
        drawnAt = now;
        state.elapsedMs = now - started;
        state.spentUsd = meter.spentUsd;
        state.unpriced = meter.unpricedModels();
        box.html(mathFreeHtml(progressHtml(state)));
      };
      draw(true);
      return {
        costMeter: meter,
        state,
        onProgress(progress) {
          const { done, total, resumed, calls, errors } = progress;
          const tenth = tenthOf(state.samples);
          state.samples = { done, total, resumed, calls, errors };
          draw(done === total || tenthOf(state.samples) !== tenth);
        },
        onStep(step) {
          const changed = state.phase !== step.phase;
          state.phase = step.phase;
          state.step = step.phase === 'labelling' ? { name: 'labelling records', done: step.done, total: step.total } : { name: `writing the ${step.phase}` };
          draw(changed);
        },
        onJudgeProgress(progress) {
          state.phase = 'judging';
          const byKind = { ...state.judging?.byKind };
          byKind[progress.kind] = (byKind[progress.kind] ?? 0) + 1;
          const tenth = state.judging ? tenthOf(state.judging) : -1;
          state.judging = { done: progress.done, total: progress.total, byKind };
          draw(progress.done === progress.total || tenthOf(state.judging) !== tenth);
        },
        onBatchProgress(progress) {
          // A state or count that changed, or a note (a submission, a batch read), is drawn whatever the time.
          const shown = (p?: BatchProgress) => JSON.stringify(p?.batches.map((b) => [b.id, b.state, b.counts]));
          const moved = progress.note !== undefined || shown(progress) !== shown(state.batches);
          state.batches = progress;
          draw(moved);
        },
        waiting() {
          state.phase = 'batches in flight';
          draw(true);
        },
        finish(stopped = false) {
          state.phase = stopped ? 'stopped' : 'done';
          state.step = undefined;
          draw(true);
        },
        fail(reason) {
          state.phase = 'failed';
          state.failure = reason;
          draw(true);
        },
      };
    },
    task(title, taskOptions = {}) {
      const box = host.newDisplay();
      const started = Date.now();
      const throttle = taskOptions.throttleMs ?? 250;
      let drawnAt = 0;
      const state: TaskState = { title, phase: 'working', step: { name: 'starting' }, elapsedMs: 0 };
      const draw = (force: boolean) => {
        const now = Date.now();
        if (!force && now - drawnAt < throttle) return;
        drawnAt = now;
        state.elapsedMs = now - started;
        box.html(mathFreeHtml(taskHtml(state)));
      };
      draw(true);
      const task: LiveTask = {
        state,
        step(name, done, total) {
          const changed = name !== state.step.name;
          state.step = { name, ...(done === undefined ? {} : { done }), ...(total === undefined ? {} : { total }) };
          draw(changed || (done !== undefined && done === total));
        },
        onRecord: (what) => (read, done) => task.step(done ? `${what}: done` : what, read),
        finish() {
          state.phase = 'done';
          draw(true);
        },
        fail(reason) {
          state.phase = 'failed';
          state.failure = reason;
          draw(true);
        },
      };
      return task;
    },
    async figures(figures, options = {}) {
      // Starting a browser and drawing each PNG take seconds: a box says what is under way.
      const task = figures.length ? view.task(`${figures.length} figure${figures.length === 1 ? '' : 's'}`) : undefined;
      task?.step('starting the browser for the static images');
      let renderer: FigureRenderer | null;
      try {
        renderer = figures.length ? await renderers.acquire() : null;
      } catch (err) {
        task?.fail(String((err as Error)?.message ?? err));
        throw err;
      }
      const drawing = renderer ? 'drawing the figures (interactive and PNG)' : 'drawing the figures (interactive; no browser for PNG)';
      task?.step(drawing, 0, figures.length);
      try {
        for (const [i, figure] of figures.entries()) {
          if (options.interactive !== false) {
            // plotly.js (about 4.8 MB) goes into the notebook once, with the first interactive figure.
            html(figureHtml(figure, { includePlotly: !hostsWithPlotly.has(host) }));
            hostsWithPlotly.add(host);
          }
          if (renderer) {
            const png = await renderer.render(figure, 'png', { scale: options.scale ?? 1 });
            host.display.png(png);
            if (options.pngDir) writeFileAtomic(join(options.pngDir, `${figure.name}.png`), png);
          }
          task?.step(drawing, i + 1, figures.length);
        }
      } catch (err) {
        task?.fail(String((err as Error)?.message ?? err));
        throw err;
      } finally {
        renderers.release();
      }
      task?.finish();
      if (figures.length && !renderer) view.markdown(`*Static images skipped: ${NO_BROWSER_HINT}.*`);
    },
  };
  return view;
}
