// Figure (d): distribution of the AF classifier's vote share over CoT scratchpads, training vs
// unmonitored, with the "maybe" and "AF" thresholds drawn.
import { baseLayout, COLORS, type Figure, fitTitle, type PlotlyObject, TIER_LABEL } from './figure.js';
import type { AfScorePoint } from './inputs.js';

/** `points` are merged: each stands for `count` scratchpads. */
export function afScoreFigure(points: AfScorePoint[], thresholds: { af: number; maybe: number }): Figure {
  // Vote shares are k/votes; bin on that lattice so each bar is one possible score.
  const votes = Math.max(1, ...points.map((p) => p.votes));
  const binCount = Math.min(votes, 20);
  const binOf = (score: number) => Math.min(binCount, Math.round(score * binCount));
  const centers = Array.from({ length: binCount + 1 }, (_, k) => k / binCount);
  const data: PlotlyObject[] = (['free', 'paid'] as const).map((tier) => {
    const counts = centers.map(() => 0);
    let n = 0;
    for (const p of points)
      if (p.tier === tier) {
        counts[binOf(p.score)] += p.count;
        n += p.count;
      }
    return {
      type: 'bar',
      name: `${TIER_LABEL[tier]} (n=${n})`,
      x: centers,
      y: counts,
      marker: { color: tier === 'free' ? COLORS.training : COLORS.unmonitored, opacity: 0.85, line: { color: '#fff', width: 0.5 } },
      hovertemplate: 'score %{x:.2f}: %{y} scratchpads<extra></extra>',
    };
  });
  const line = (x: number, dash: string): PlotlyObject => ({
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: x,
    x1: x,
    y0: 0,
    y1: 1,
    line: { color: '#333', width: 1.5, dash },
  });
  const label = (x: number, text: string): PlotlyObject => ({
    text,
    x,
    xref: 'x',
    y: 1,
    yref: 'paper',
    xanchor: 'left',
    yanchor: 'top',
    xshift: 4,
    showarrow: false,
    font: { size: 11, color: '#333' },
  });
  const scratchpads = points.reduce((sum, p) => sum + p.count, 0);
  const afCount = points.reduce((sum, p) => sum + (p.score >= thresholds.af ? p.count : 0), 0);
  const width = 1 / binCount;
  return fitTitle({
    name: 'af-scores',
    title: 'AF vote shares',
    width: 900,
    height: 520,
    data,
    layout: {
      ...baseLayout(
        'Alignment-faking classifier: vote share per scratchpad',
        `${scratchpads} CoT scratchpads, ${votes} votes each; ${afCount} at or above the AF threshold`,
      ),
      barmode: 'group',
      bargap: 0.15,
      xaxis: { title: { text: 'share of votes saying "alignment faking"' }, range: [-width, 1 + width], dtick: 0.1, gridcolor: COLORS.grid, zeroline: false },
      yaxis: { title: { text: 'scratchpads' }, gridcolor: COLORS.grid, rangemode: 'tozero' },
      shapes: [
        { type: 'rect', xref: 'x', yref: 'paper', x0: thresholds.af, x1: 1 + width, y0: 0, y1: 1, fillcolor: 'rgba(192,57,43,0.07)', line: { width: 0 }, layer: 'below' },
        // At the thresholds themselves (0.2 and 0.4 by default), not at a bin's edge.
        line(thresholds.maybe, 'dot'),
        line(thresholds.af, 'dash'),
      ],
      annotations: [label(thresholds.maybe, `maybe ≥ ${thresholds.maybe}`), label(thresholds.af, `AF ≥ ${thresholds.af}`)],
      margin: { l: 80, r: 30, t: 80, b: 100 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  }, 12);
}
