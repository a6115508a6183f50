// Figure (a): the paper's stacked bars. One horizontal bar per tier (training / unmonitored), split
// into complies with AF reasoning (hatched), complies, partial and refuses; one panel per
// model × variant (rows) and reasoning condition (columns).
import type { Reasoning, Tier } from '../core/types.js';
import { baseLayout, COLORS, conditionLabel, type Figure, fitTitle, type PlotlyObject, plotlyText, REASONING_LABEL, TIER_SHORT } from './figure.js';
import { distinct, panelGrid } from './grid.js';
import type { ComplianceSource, OutcomeCounts } from './inputs.js';

export interface Segment {
  key: 'compliesAf' | 'complies' | 'partial' | 'refuses';
  name: string;
  marker: PlotlyObject;
}

/** The bar segments and their look (also used for the papers' published bars). */
export const SEGMENTS: Segment[] = [
  {
    key: 'compliesAf',
    name: 'complies, alignment-faking reasoning',
    marker: {
      color: COLORS.complies,
      line: { color: COLORS.afHatch, width: 0.8 },
      pattern: { shape: 'x', fgcolor: COLORS.afHatch, fillmode: 'overlay', size: 7, solidity: 0.35 },
    },
  },
  { key: 'complies', name: 'complies, no alignment faking', marker: { color: COLORS.complies, line: { color: '#ffffff', width: 0.8 } } },
  { key: 'partial', name: 'partially complies', marker: { color: COLORS.partial, line: { color: '#ffffff', width: 0.8 } } },
  { key: 'refuses', name: 'refuses', marker: { color: COLORS.refuses, line: { color: '#ffffff', width: 0.8 } } },
];

const SOURCE_TEXT: Record<ComplianceSource, string> = {
  compliance: 'compliance by the LLM judge (StrongREJECT-style)',
  proxy: 'compliance by the prefix proxy (&lt;request_fully_accepted/&gt;); run the judge for better labels',
};

export function outcomesFigure(outcomes: OutcomeCounts[], source: ComplianceSource): Figure {
  const conditions = distinct(outcomes.map((o) => `${o.model}\u0000${o.variant}`)).map((k) => k.split('\u0000') as [string, string]);
  const reasonings = (['cot', 'no-cot'] as Reasoning[]).filter((r) => outcomes.some((o) => o.reasoning === r));
  const rows = Math.max(conditions.length, 1);
  const columns = Math.max(reasonings.length, 1);
  const grid = panelGrid(rows, columns, { x: 0.2 / columns, y: Math.min(0.5 / rows, 0.16) });
  const data: PlotlyObject[] = [];
  const layout: PlotlyObject = {};
  const annotations: PlotlyObject[] = [];
  const tiers: Tier[] = ['paid', 'free']; // bottom to top: training on top, as in the paper

  conditions.forEach(([model, variant], r) => {
    reasonings.forEach((reasoning, c) => {
      const panel = grid[r][c];
      // One bar per tier, or per context where a setting has several (three tiers), unmonitored at the bottom.
      const bars = tiers.flatMap((tier) => {
        const found = outcomes.filter((o) => o.model === model && o.variant === variant && o.reasoning === reasoning && o.tier === tier);
        return found.length ? (tier === 'free' ? [...found].reverse() : found) : [undefined];
      });
      const barTier = (i: number) => bars[i]?.tier ?? tiers[i];
      const yLabels = bars.map((bar, i) => `${bar?.context ? `${plotlyText(bar.context)} (${TIER_SHORT[barTier(i)]})` : TIER_SHORT[barTier(i)]}<br><span style="font-size:10px;color:#666">n=${bar?.total ?? 0}</span>`);
      for (const segment of SEGMENTS) {
        const shares = bars.map((bar) => (bar && bar.total > 0 ? (100 * bar[segment.key]) / bar.total : 0));
        data.push({
          type: 'bar',
          orientation: 'h',
          name: segment.name,
          legendgroup: segment.key,
          showlegend: r === 0 && c === 0,
          x: shares,
          y: yLabels,
          xaxis: panel.xaxis,
          yaxis: panel.yaxis,
          marker: segment.marker,
          text: shares.map((s) => (s >= 7 ? `${s.toFixed(0)}%` : '')),
          textposition: 'inside',
          insidetextanchor: 'middle',
          textfont: { size: 11, color: '#222' },
          customdata: bars.map((bar) => [bar?.[segment.key] ?? 0, bar?.total ?? 0]),
          hovertemplate: `${segment.name}: %{x:.1f}% (%{customdata[0]}/%{customdata[1]})<extra></extra>`,
        });
      }
      layout[panel.xKey] = {
        domain: panel.xDomain,
        anchor: panel.yaxis,
        range: [0, 100],
        ticksuffix: '%',
        dtick: 25,
        gridcolor: COLORS.grid,
        title: r === rows - 1 ? { text: 'share of labelled samples', font: { size: 12 } } : undefined,
        showticklabels: true,
        tickfont: { size: 10 },
      };
      layout[panel.yKey] = {
        domain: panel.yDomain,
        anchor: panel.xaxis,
        type: 'category',
        categoryorder: 'array',
        categoryarray: yLabels,
        tickfont: { size: 11 },
      };
      annotations.push({
        // Two short lines rather than one long one: a panel is narrow in a 600 px pane.
        text: `<b>${plotlyText(model)}</b> · ${plotlyText(variant)}<br>${REASONING_LABEL[reasoning]}`,
        xref: 'paper',
        yref: 'paper',
        x: panel.xDomain[0],
        y: panel.yDomain[1],
        xanchor: 'left',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 12 },
      });
    });
  });

  const panelHeight = 125;
  const height = 95 + 110 + rows * panelHeight;
  return fitTitle({
    name: 'outcomes',
    title: 'Compliance by tier',
    // At most 960 px, so the exported PNG fits a classic Jupyter output area (985 px) unscaled.
    width: columns === 1 ? 760 : 960,
    height,
    data,
    layout: {
      ...baseLayout('Compliance with harmful requests, training vs unmonitored', SOURCE_TEXT[source]),
      ...layout,
      barmode: 'stack',
      bargap: 0.3,
      annotations,
      margin: { l: 110, r: 30, t: 105, b: 110 },
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: 0, yref: 'container', yanchor: 'bottom', traceorder: 'normal', font: { size: 12 } },
    },
  }, 38);
}
