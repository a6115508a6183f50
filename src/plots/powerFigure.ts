// Figure (e): the chance this run's design detects a true compliance gap of a given size
// (Fisher's exact test, two-sided), at its sample size per tier.
import { baseLayout, COLORS, type Figure, fitTitle, type PlotlyObject } from './figure.js';
import type { PowerFigureInput } from './inputs.js';

const LINE_COLORS = ['#1f4e79', '#d1495b', '#e8a33d', '#3b8b5a', '#7b4b94'];

export function powerFigure(input: PowerFigureInput): Figure {
  const data: PlotlyObject[] = input.curves.map((curve, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: curve.label,
    x: curve.points.map((p) => 100 * p.gap),
    y: curve.points.map((p) => p.power),
    line: { color: LINE_COLORS[i % LINE_COLORS.length], width: 2.5 },
    hovertemplate: 'gap %{x:.0f} pp: power %{y:.2f}<extra></extra>',
  }));
  const annotations: PlotlyObject[] = [];
  input.detectableGap.forEach((gap, i) => {
    if (gap === null) return;
    annotations.push({
      x: 100 * gap,
      y: input.target,
      xref: 'x',
      yref: 'y',
      text: `${(100 * gap).toFixed(0)} pp`,
      showarrow: true,
      arrowhead: 0,
      ax: 0,
      ay: 28 + 18 * i,
      font: { size: 11, color: LINE_COLORS[i % LINE_COLORS.length] },
      arrowcolor: LINE_COLORS[i % LINE_COLORS.length],
    });
  });
  annotations.push({
    text: `${(100 * input.target).toFixed(0)}% power`,
    xref: 'paper',
    yref: 'y',
    x: 1,
    y: input.target,
    xanchor: 'right',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 11, color: '#555' },
  });
  // Stop the axis a little after every curve has reached (almost) full power.
  const longest = Math.max(0.1, ...input.curves.flatMap((c) => c.points.map((p) => p.gap)));
  const saturated = Math.max(0, ...input.curves.map((c) => c.points.find((p) => p.power >= 0.995)?.gap ?? longest));
  const maxGap = Math.min(longest, Math.max(0.1, saturated * 1.25));
  return fitTitle({
    name: 'power',
    title: 'Power',
    width: 900,
    height: 520,
    data,
    layout: {
      ...baseLayout(
        `Power to detect a compliance gap with ${input.nPerTier} samples per tier`,
        `Fisher's exact test, two-sided, α = ${input.alpha}${input.method === 'normal' ? ' (power by the normal approximation)' : ''}; one line per assumed unmonitored (paid-tier) compliance rate`,
      ),
      // Ticks outside, so the two axes' 0 labels stay apart in the corner.
      xaxis: { title: { text: 'true compliance gap (percentage points)' }, range: [0, 100 * maxGap], gridcolor: COLORS.grid, zeroline: false, ticks: 'outside', ticklen: 5 },
      yaxis: { title: { text: 'power' }, range: [0, 1.02], tickformat: '.0%', gridcolor: COLORS.grid, ticks: 'outside', ticklen: 5 },
      shapes: [{ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: input.target, y1: input.target, line: { color: '#777', width: 1.2, dash: 'dash' } }],
      annotations,
      margin: { l: 80, r: 30, t: 80, b: 120 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  }, 12);
}
