// Figure (b): forest plot of the compliance gap (training minus unmonitored compliance) per
// model × variant × reasoning, with its 95% interval and Fisher's exact p printed beside it.
import { baseLayout, COLORS, conditionLabel, type Figure, fitTitle, formatP, type PlotlyObject, plotlyText, REASONING_LABEL, rightColumnHeading, wrapText } from './figure.js';
import type { ComplianceSource, GapRow } from './inputs.js';

const REASONING_STYLE = {
  cot: { color: COLORS.training, symbol: 'square' },
  'no-cot': { color: COLORS.unmonitored, symbol: 'diamond' },
} as const;

/** Pixels the column of p-values and counts needs right of the plot. */
function rightColumnWidth(rows: GapRow[]): number {
  const longest = Math.max("Fisher's exact".length, ...rows.map((row) => Math.max(formatP(row.p).length, `${row.free.complied}/${row.free.total} vs ${row.paid.complied}/${row.paid.total}`.length)));
  return Math.ceil(longest * 6.5) + 34;
}

export function gapFigure(rows: GapRow[], source: ComplianceSource): Figure {
  // Top to bottom in the order given: plotly draws categories bottom-up, so reverse the axis.
  // Labels in short lines, so the plot keeps its width in a narrow pane.
  const labels = rows.map((row) => wrapText(`${conditionLabel(row.model, row.variant)} · ${row.reasoning === 'cot' ? 'CoT' : 'no CoT'}${row.context ? ` · ${plotlyText(row.context)}` : ''}`, 24));
  const data: PlotlyObject[] = (['cot', 'no-cot'] as const)
    .map((reasoning) => {
      const picked = rows.map((row, i) => ({ row, label: labels[i] })).filter(({ row }) => row.reasoning === reasoning);
      if (picked.length === 0) return null;
      return {
        type: 'scatter',
        mode: 'markers',
        name: REASONING_LABEL[reasoning],
        x: picked.map(({ row }) => 100 * row.gap),
        y: picked.map(({ label }) => label),
        marker: { color: REASONING_STYLE[reasoning].color, symbol: REASONING_STYLE[reasoning].symbol, size: 11, line: { color: '#222', width: 0.8 } },
        error_x: {
          type: 'data',
          symmetric: false,
          array: picked.map(({ row }) => 100 * (row.ci[1] - row.gap)),
          arrayminus: picked.map(({ row }) => 100 * (row.gap - row.ci[0])),
          color: REASONING_STYLE[reasoning].color,
          thickness: 2,
          width: 5,
        },
        customdata: picked.map(({ row }) => [
          `${row.free.complied}/${row.free.total}`,
          `${row.paid.complied}/${row.paid.total}`,
          (100 * row.ci[0]).toFixed(1),
          (100 * row.ci[1]).toFixed(1),
          formatP(row.p),
          row.pHolm === null || row.pHolm === undefined ? 'n/a' : row.pHolm.toPrecision(2),
        ]),
        hovertemplate:
          'gap %{x:.1f} pp [%{customdata[2]}, %{customdata[3]}]<br>training %{customdata[0]}, unmonitored %{customdata[1]}<br>Fisher %{customdata[4]} (Holm-adjusted %{customdata[5]})<extra></extra>',
      };
    })
    .filter((trace): trace is NonNullable<typeof trace> => trace !== null);

  // Right-hand column: Fisher p and the counts behind each row, like a forest plot's table.
  const annotations: PlotlyObject[] = rows.map((row, i) => ({
    text: `${formatP(row.p)}<br><span style="color:#666">${row.free.complied}/${row.free.total} vs ${row.paid.complied}/${row.paid.total}</span>`,
    xref: 'paper',
    yref: 'y',
    x: 1.02,
    y: labels[i],
    xanchor: 'left',
    align: 'left',
    showarrow: false,
    font: { size: 11, color: row.p !== null && row.p < 0.05 ? '#111' : '#555' },
  }));
  annotations.push(rightColumnHeading("<b>Fisher's exact</b>"));

  const lows = rows.map((r) => 100 * r.ci[0]);
  const highs = rows.map((r) => 100 * r.ci[1]);
  const low = Math.min(-10, ...lows);
  const high = Math.max(10, ...highs);
  const pad = (high - low) * 0.05;
  const subtitle = `free-tier minus paid-tier compliance, percentage points, with 95% interval; ${source === 'compliance' ? 'LLM-judge labels' : 'prefix-proxy labels'}`;
  return fitTitle({
    name: 'compliance-gap',
    title: 'Compliance gap',
    width: 960,
    height: 215 + 44 * Math.max(rows.length, 1),
    data,
    layout: {
      ...baseLayout('Compliance gap (training − unmonitored)', subtitle),
      xaxis: {
        title: { text: 'compliance gap (percentage points)' },
        range: [low - pad, high + pad],
        zeroline: false,
        gridcolor: COLORS.grid,
        ticksuffix: '',
      },
      yaxis: { type: 'category', categoryorder: 'array', categoryarray: labels, autorange: 'reversed', automargin: true, tickfont: { size: 11 } },
      shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#444', width: 1.2, dash: 'dash' } }],
      annotations,
      // The right margin holds the p and counts column: wide enough for its longest line (11 px
      // text, about 6.5 px a character, starting 2% of the plot's width right of it), no wider, so
      // the plot keeps its room in a narrow notebook pane.
      margin: { l: 20, r: rightColumnWidth(rows), t: 95, b: 110 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  }, 30);
}
