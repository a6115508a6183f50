// The figure spec af-lab hands to plotly: plain JSON (data + layout + config), so it can be written
// into an HTML page, rendered to PNG/SVG in a browser, or shown inline in a notebook.

/** A plotly trace or layout: plain JSON objects (plotly's own schema; we do not re-type it). */
export type PlotlyObject = Record<string, unknown>;

export interface Figure {
  /** File stem and identifier, e.g. `outcomes`, `compliance-gap`. */
  name: string;
  /** Human title (also the HTML page title). */
  title: string;
  data: PlotlyObject[];
  layout: PlotlyObject;
  /**
   * Size of exported images in CSS pixels (PNG is rendered at `scale` times this). In HTML the
   * figure takes its container's width (at most width + 200) and this height.
   */
  width: number;
  height: number;
}

/** Tier names as the paper shows them: the free tier is "training", the paid tier "unmonitored". */
export const TIER_LABEL = { free: 'training (free tier)', paid: 'unmonitored (paid tier)' } as const;
export const TIER_SHORT = { free: 'training', paid: 'unmonitored' } as const;
export const REASONING_LABEL = { cot: 'CoT (hidden scratchpad)', 'no-cot': 'no CoT' } as const;

/** The paper's palette: refusals blue, compliance yellow, alignment faking red hatching. */
export const COLORS = {
  refuses: '#8fb9dc',
  complies: '#f3d77d',
  afHatch: '#c0392b',
  partial: '#b9b9b9',
  training: '#d1495b',
  unmonitored: '#2e6f9e',
  grid: '#e6e6e6',
  text: '#222222',
  simulated: '#c0392b',
} as const;

export const FONT = { family: 'DejaVu Sans, Helvetica, Arial, sans-serif', size: 13, color: COLORS.text };

/**
 * Break plotly label text into lines of at most `maxChars` visible characters, at spaces outside
 * markup: plotly never wraps text itself, and a long title would run off a narrow figure.
 */
export function wrapText(text: string, maxChars: number): string {
  const visible = (word: string) => word.replace(/<[^>]*>/g, '').replace(/&[a-z#0-9]+;/gi, '_').length;
  // Words: runs of markup and non-space text, so a space inside a tag never splits it.
  const words = text.match(/(?:<[^>]*>|[^\s<])+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && visible(`${line} ${word}`) > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('<br>');
}

/** Characters per line that stay inside a 600 px pane: titles at 17 px bold, subtitles at 12 px. */
const TITLE_CHARS = 52;
const SUBTITLE_CHARS = 75;

/** Layout parts shared by every figure: white paper background, readable fonts, left-aligned title. */
export function baseLayout(title: string, subtitle?: string): PlotlyObject {
  const head = `<b>${wrapText(title, TITLE_CHARS).replace(/<br>/g, '</b><br><b>')}</b>`;
  return {
    title: {
      text: subtitle ? `${head}<br><span style="font-size:12px;color:#555">${wrapText(subtitle, SUBTITLE_CHARS).replace(/<br>/g, '</span><br><span style="font-size:12px;color:#555">')}</span>` : head,
      x: 0.01,
      xanchor: 'left',
      // Pinned to the top edge so the title never collides with the plot, whatever the margin
      // (fitTitle moves it TITLE_TOP pixels down, once the figure's height is known).
      yref: 'container',
      y: 1,
      yanchor: 'top',
      font: { size: 17 },
    },
    font: FONT,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    showlegend: true,
  };
}

/** Pixels the title block takes from the top edge: plotly spaces every line of a 17 px title 22 px apart, below TITLE_TOP. */
export function titleHeight(layout: PlotlyObject): number {
  const text = String(((layout.title as PlotlyObject | undefined)?.text as string | undefined) ?? '');
  if (!text) return 0;
  return TITLE_TOP + 22 * text.split('<br>').length + 4;
}

/** Pixels between the figure's top edge and its title (plotly ignores the title's pad there). */
export const TITLE_TOP = 14;

/**
 * Give the title block room above the plot: wrapped titles (for narrow panes) take more lines, and
 * without this they would run into the plot. The plot area keeps its height; `above` is the room
 * wanted between the title and the plot (column headers, panel labels). The title is placed
 * TITLE_TOP pixels below the top edge, so it never touches it.
 */
export function fitTitle(figure: Figure, above = 12): Figure {
  const margin = { ...((figure.layout.margin as PlotlyObject | undefined) ?? {}) };
  const top = (margin.t as number | undefined) ?? 100;
  const wanted = titleHeight(figure.layout) + above;
  const fitted = wanted <= top ? figure : { ...figure, height: figure.height + wanted - top, layout: { ...figure.layout, margin: { ...margin, t: wanted } } };
  return placeTitle(clearAxisTitles(fitted), TITLE_TOP);
}

/**
 * Axis titles kept clear of their tick labels: plotly places a title by the labels it expects and
 * can draw it over them when a narrow pane wraps or widens the labels; with a standoff and
 * automargin it measures the labels drawn and makes room.
 */
function clearAxisTitles(figure: Figure): Figure {
  const layout = { ...figure.layout };
  for (const [key, axis] of Object.entries(layout)) {
    if (!/^[xy]axis\d*$/.test(key) || !axis || typeof axis !== 'object') continue;
    const title = (axis as PlotlyObject).title as PlotlyObject | undefined;
    if (!title?.text) continue;
    layout[key] = { ...(axis as PlotlyObject), automargin: true, title: { standoff: 10, ...title } };
  }
  return { ...figure, layout };
}

/**
 * The title's top `pixels` below the figure's top edge. Plotly draws a title anchored at its top
 * with the first line's glyphs 3 px above the anchor, and a title of several lines 15 px above it
 * (measured in Chromium with plotly.js 4): the anchor goes that much lower.
 */
function placeTitle(figure: Figure, pixels: number): Figure {
  const title = figure.layout.title as PlotlyObject | undefined;
  if (!title) return figure;
  const above = String(title.text ?? '').includes('<br>') ? 15 : 3;
  return { ...figure, layout: { ...figure.layout, title: { ...title, yref: 'container', y: 1 - (pixels + above) / figure.height, yanchor: 'top' } } };
}

/**
 * Stamp a figure made from simulator output, so nobody mistakes it for a result: a red boxed
 * label in the top-right corner and a faint diagonal watermark across the plot.
 */
export function markSimulated(figure: Figure, badge = '<b>SIMULATED DATA</b> — af-lab simulator output, not a model result'): Figure {
  // The badge sits below the row plotly's toolbar takes at the top right (about 30 px), the title below it.
  const badgeTop = 34;
  const badgeSpace = badgeTop + 32;
  const margin = { ...((figure.layout.margin as PlotlyObject | undefined) ?? {}) };
  const top = ((margin.t as number | undefined) ?? 100) + badgeSpace;
  margin.t = top;
  const right = (margin.r as number | undefined) ?? 80;
  const height = figure.height + badgeSpace;
  const annotations = [...((figure.layout.annotations as PlotlyObject[] | undefined) ?? [])];
  annotations.push(
    {
      text: badge,
      xref: 'paper',
      yref: 'paper',
      // At the figure's right edge, not the plot area's (the forest plot keeps a wide right margin),
      // by a pixel shift so it stays there at whatever width the container gives the figure.
      x: 1,
      xshift: Math.max(0, right - 12),
      y: 1,
      // Paper coordinates start `top` pixels below the figure's edge: the badge starts badgeTop px below it.
      yshift: top - badgeTop,
      xanchor: 'right',
      yanchor: 'top',
      showarrow: false,
      font: { size: 13, color: COLORS.simulated },
      bordercolor: COLORS.simulated,
      borderwidth: 1.5,
      borderpad: 4,
      bgcolor: '#fff5f4',
    },
    {
      text: 'SIMULATED',
      xref: 'paper',
      yref: 'paper',
      x: 0.5,
      y: 0.5,
      showarrow: false,
      textangle: -25,
      font: { size: 72, color: 'rgba(192,57,43,0.10)' },
    },
  );
  // The title moves below the badge.
  return placeTitle({ ...figure, height, layout: { ...figure.layout, margin, annotations } }, badgeSpace);
}

/** Format a p-value the way papers print it. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return 'p = n/a';
  if (p < 0.0001) return 'p < 0.0001';
  if (p < 0.001) return `p = ${p.toFixed(4)}`;
  return `p = ${p.toFixed(3)}`;
}

/** Escape text that goes into plotly labels (plotly renders a subset of HTML in them). */
export function plotlyText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Panel label of one condition, e.g. `sim/faker · baseline`. */
export function conditionLabel(model: string, variant: string): string {
  return `${plotlyText(model)} · ${plotlyText(variant)}`;
}

/** The heading of the column of notes a figure writes to the right of its plot (p-values, verdicts). */
export function rightColumnHeading(text: string): PlotlyObject {
  return { text, xref: 'paper', yref: 'paper', x: 1.02, y: 1, xanchor: 'left', yanchor: 'bottom', showarrow: false, font: { size: 11 } };
}
