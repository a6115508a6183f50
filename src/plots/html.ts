// Figures as HTML: a whole offline page per figure (plotly inlined, no CDN), or a fragment for a
// notebook cell. The figure's JSON goes into the page through jsonForScript, so labels holding
// model names or request text cannot break out of the script element.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHtml, jsonForScript } from '../report/safeJson.js';
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

/** What plotly's toolbar and resizing do in our pages. */
export const PLOTLY_CONFIG = { displaylogo: false, responsive: true, toImageButtonOptions: { format: 'svg' } };

export interface FigureHtmlOptions {
  /** Inline plotly.js in the fragment (about 4.8 MB). Set false when the page already loaded it. */
  includePlotly?: boolean;
  /** Element id for the plot; defaults to one derived from the figure name. */
  id?: string;
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
  const spec = jsonForScript({ data: figure.data, layout: { ...figure.layout, width: figure.width, height: figure.height }, config: PLOTLY_CONFIG });
  const fit = 'var room = el.getBoundingClientRect().width; if (room > 0 && room < spec.layout.width) spec.layout.width = Math.floor(room);';
  return `${plotly}<div id="${escapeHtml(id)}" style="width:${figure.width}px;max-width:100%"></div>
<script>(function () { var spec = ${spec}; var el = document.getElementById(${jsonForScript(id)}); ${fit} Plotly.newPlot(el, spec.data, spec.layout, spec.config); })();</script>`;
}

/** A complete, self-contained HTML page for one figure: opens offline, resizes with the window. */
export function figureDocument(figure: Figure): string {
  const spec = jsonForScript({ data: figure.data, layout: figure.layout, config: PLOTLY_CONFIG });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(figure.title)} — af-lab</title>
<style>html,body{margin:0;background:#fff}#plot{width:100vw;max-width:${figure.width + 200}px;height:${figure.height}px;margin:0 auto}</style>
<script>${plotlySource()}</script>
</head>
<body>
<div id="plot"></div>
<script>(function () { var spec = ${spec}; Plotly.newPlot('plot', spec.data, spec.layout, spec.config); })();</script>
</body>
</html>
`;
}
