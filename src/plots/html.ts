// Figures as HTML: a page per figure that loads the folder's one copy of plotly.js by a relative
// path (plotlyFile.ts writes it; no CDN), or a fragment for a notebook cell. Both size the plot to
// its container (plotly's autosize + responsive), so nothing is cut off in a narrow output area.
// The figure's JSON goes into the page through jsonForScript, so labels holding model names or
// request text cannot break out of the script element.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHtml, jsonForScript } from '../core/safeJson.js';
import type { Figure } from './figure.js';

let plotlyCache: string | undefined;

/** The plotly.js bundle (plotly.js-dist-min), read once. */
export function plotlySource(): string {
  if (plotlyCache === undefined) {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
    // Inlined verbatim into a <script>: it must not contain anything that ends the element.
    if (/<\/script/i.test(source)) throw new Error('plotly bundle contains </script and cannot be inlined');
    plotlyCache = source;
  }
  return plotlyCache;
}

/** The file name figure pages load plotly from, beside themselves. */
export const PLOTLY_FILE = 'plotly.min.js';

/** What plotly's toolbar and resizing do in our pages. */
export const PLOTLY_CONFIG = { displaylogo: false, responsive: true, toImageButtonOptions: { format: 'svg' } };

export interface FigureHtmlOptions {
  /** Inline plotly.js in the fragment (about 4.8 MB). Set false when the page already loaded it. */
  includePlotly?: boolean;
  /** Element id for the plot; defaults to one derived from the figure name. */
  id?: string;
}

/**
 * The layout a page or cell draws with: no fixed width, so plotly fills the container and follows
 * it when it resizes. The figure's own width is only the size of exported PNG/SVG images.
 */
export function responsiveLayout(figure: Figure): Record<string, unknown> {
  const { width: _ignored, ...layout } = figure.layout as Record<string, unknown> & { width?: unknown };
  return { ...layout, autosize: true, height: figure.height };
}

/** The container's CSS: as wide as its parent allows, never wider than a comfortable reading width. */
function plotStyle(figure: Figure): string {
  return `width:100%;max-width:${figure.width + 200}px;height:${figure.height}px`;
}

let fragmentCounter = 0;

/**
 * An HTML fragment that draws the figure: for `tslab.display.html(figureHtml(fig))` in a notebook
 * or for embedding in another page. The figure keeps its designed width where there is room and
 * is drawn narrower, never wider, where its container is smaller (a notebook's output area).
 */
export function figureHtml(figure: Figure, options: FigureHtmlOptions = {}): string {
  const id = options.id ?? `af-lab-${figure.name.replace(/[^A-Za-z0-9_-]/g, '-')}-${++fragmentCounter}`;
  const plotly = options.includePlotly === false ? '' : `<script>if (!window.Plotly) {\n${plotlySource()}\n}</script>\n`;
  const spec = jsonForScript({ data: figure.data, layout: responsiveLayout(figure), config: PLOTLY_CONFIG });
  // Without plotly inlined, the fragment waits for the copy an earlier output carries (outputs may
  // render out of order), and says so in words if none ever arrives.
  return `${plotly}<div id="${escapeHtml(id)}" class="af-lab-figure" style="${plotStyle(figure)}"></div>
<script>(function () {
  var spec = ${spec}, el = document.getElementById(${jsonForScript(id)}), tries = 0;
  (function draw() {
    if (window.Plotly) return Plotly.newPlot(el, spec.data, spec.layout, spec.config);
    if (++tries < 100) return setTimeout(draw, 100);
    el.style.height = 'auto';
    el.textContent = 'plotly.js is not loaded in this page: the first figure of a notebook carries it; run the notebook from the top (a static PNG follows when a browser was found).';
  })();
})();</script>`;
}

export interface FigureDocumentOptions {
  /** Where the page loads plotly.js from, relative to the page (default `plotly.min.js`, beside it). */
  plotlySrc?: string;
}

/**
 * A complete HTML page for one figure. It loads plotly from `plotly.min.js` beside it (write that
 * with ensurePlotlyFile), so a folder of figures holds plotly once and opens offline.
 */
export function figureDocument(figure: Figure, options: FigureDocumentOptions = {}): string {
  const spec = jsonForScript({ data: figure.data, layout: responsiveLayout(figure), config: PLOTLY_CONFIG });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(figure.title)} — af-lab</title>
<style>html,body{margin:0;background:#fff}#plot{${plotStyle(figure)};margin:0 auto}</style>
<script src="${escapeHtml(options.plotlySrc ?? PLOTLY_FILE)}"></script>
</head>
<body>
<div id="plot"></div>
<script>(function () {
  if (!window.Plotly) {
    document.getElementById('plot').textContent = 'plotly.js did not load: keep ${PLOTLY_FILE} in the folder beside this page (af-lab figures writes it).';
    return;
  }
  var spec = ${spec}; Plotly.newPlot('plot', spec.data, spec.layout, spec.config);
})();</script>
</body>
</html>
`;
}
