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
  frameHtml, mathFreeHtml, mathFreeMarkdown, progressHtml, promptHtml, recordsHtml, simulatedBannerHtml, summaryHtml,
  type FrameLike, type ProgressState, type SummaryHtmlOptions, type TableCell, type TableViewOptions,
} from './html.js';
import type { JudgeKind } from '../judge/types.js';
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
  onJudgeProgress(progress: { done: number; total: number; kind: JudgeKind }): void;
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
  summary(summary: Summary, options?: SummaryHtmlOptions): void;
  prompt(title: string, text: string): void;
  progress(title: string, options: ProgressOptions): LiveProgress;
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
          draw(true);
        },
        fail(reason) {
          state.phase = 'failed';
          state.failure = reason;
          draw(true);
        },
      };
    },
    async figures(figures, options = {}) {
      const renderer = figures.length ? await renderers.acquire() : null;
      try {
        for (const figure of figures) {
          if (options.interactive !== false) {
            // plotly.js (about 4.8 MB) goes into the notebook once, with the first interactive figure.
            html(figureHtml(figure, { includePlotly: !hostsWithPlotly.has(host) }));
            hostsWithPlotly.add(host);
          }
          if (!renderer) continue;
          const png = await renderer.render(figure, 'png', { scale: options.scale ?? 1 });
          host.display.png(png);
          if (options.pngDir) writeFileAtomic(join(options.pngDir, `${figure.name}.png`), png);
        }
      } finally {
        renderers.release();
      }
      if (figures.length && !renderer) view.markdown(`*Static images skipped: ${NO_BROWSER_HINT}.*`);
    },
  };
  return view;
}
