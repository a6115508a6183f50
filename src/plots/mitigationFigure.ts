// Figure: what each statement of duty did. Left, a dumbbell per statement and tier: the compliance
// rate at baseline (hollow) and with the statement (filled), so a gap closing from below (unmonitored
// compliance up) reads differently from one closing from above (monitored compliance down). Right,
// the change of the gap with its MOVER interval and the likelihood-ratio test of the interaction.
import type { MitigationRow } from '../summary/mitigation.js';
import { baseLayout, fitTitle, COLORS, conditionLabel, formatP, TIER_SHORT, type Figure, type PlotlyObject } from './figure.js';
import type { ComplianceSource } from './inputs.js';

/** Vertical offset of each tier's dumbbell from its row's centre line. */
const OFFSET = { free: -0.17, paid: 0.17 } as const;

export function mitigationFigure(rows: readonly MitigationRow[], source: ComplianceSource): Figure {
  const shown = rows.filter((row) => row.effect !== null);
  const labels = shown.map((row) => `${conditionLabel(row.model, row.statement)} · ${row.reasoning === 'cot' ? 'CoT' : 'no CoT'}`);
  const pct = (x: number) => 100 * x;
  const data: PlotlyObject[] = [];
  for (const tier of ['free', 'paid'] as const) {
    const color = tier === 'free' ? COLORS.training : COLORS.unmonitored;
    const y = shown.map((_, i) => i + OFFSET[tier]);
    const change = (row: MitigationRow) => row.effect![tier];
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: shown.flatMap((row) => [pct(change(row).baseline.rate), pct(change(row).statement.rate), null]),
      y: shown.flatMap((_, i) => [y[i], y[i], null]),
      line: { color, width: 2.5 },
      hoverinfo: 'skip',
      showlegend: false,
      xaxis: 'x',
      yaxis: 'y',
    });
    for (const when of ['baseline', 'statement'] as const) {
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: `${TIER_SHORT[tier]} (${tier} tier), ${when === 'baseline' ? 'baseline' : 'with the statement'}`,
        x: shown.map((row) => pct(change(row)[when].rate)),
        y,
        marker: when === 'baseline' ? { color: '#ffffff', size: 10, line: { color, width: 2 } } : { color, size: 10, line: { color: '#222', width: 0.6 } },
        customdata: shown.map((row) => [
          `${row.counts[when][tier].k}/${row.counts[when][tier].n}`,
          `${change(row).delta >= 0 ? '+' : ''}${pct(change(row).delta).toFixed(1)}`,
          pct(change(row).newcombe[0]).toFixed(1),
          pct(change(row).newcombe[1]).toFixed(1),
          formatP(change(row).fisher.pTwoSided),
        ]),
        hovertemplate: `${TIER_SHORT[tier]}, ${when}: %{x:.1f}% (%{customdata[0]})<br>change %{customdata[1]} pp [%{customdata[2]}, %{customdata[3]}], Fisher %{customdata[4]}<extra></extra>`,
        xaxis: 'x',
        yaxis: 'y',
      });
    }
  }
  // Family-wise: the MOVER interval excludes 0 and the Holm-adjusted p (this label source's gap changes in the run) is <= alpha.
  const significant = shown.map((row) => row.significant === true);
  data.push({
    type: 'scatter',
    mode: 'markers',
    name: 'gap change (MOVER interval)',
    x: shown.map((row) => pct(row.effect!.gapChange.change)),
    y: shown.map((_, i) => i),
    marker: { symbol: 'diamond', size: 11, color: significant.map((s) => (s ? '#222' : '#ffffff')), line: { color: '#222', width: 1.5 } },
    error_x: {
      type: 'data',
      symmetric: false,
      array: shown.map((row) => pct(row.effect!.gapChange.mover[1] - row.effect!.gapChange.change)),
      arrayminus: shown.map((row) => pct(row.effect!.gapChange.change - row.effect!.gapChange.mover[0])),
      color: '#222',
      thickness: 1.6,
      width: 5,
    },
    customdata: shown.map((row) => [pct(row.effect!.gapChange.mover[0]).toFixed(1), pct(row.effect!.gapChange.mover[1]).toFixed(1), formatP(row.effect!.gapChange.pValue), formatP(row.gapChangePHolm)]),
    hovertemplate: 'gap change %{x:.1f} pp [%{customdata[0]}, %{customdata[1]}]<br>%{customdata[2]}, Holm %{customdata[3]}<extra></extra>',
    xaxis: 'x2',
    yaxis: 'y',
  });

  const annotations: PlotlyObject[] = shown.map((row, i) => ({
    // Two short lines (the plot's formatP says "p = ..."), so they fit the right margin of a 600 px pane.
    text: `${formatP(row.effect!.gapChange.pValue)}<br>Holm ${formatP(row.gapChangePHolm)}`,
    xref: 'paper',
    yref: 'y',
    x: 1.01,
    y: i,
    xanchor: 'left',
    showarrow: false,
    font: { size: 11, color: significant[i] ? '#111' : '#666' },
  }));
  // Panel titles in short lines, so they stay inside a 600 px pane.
  for (const [text, x] of [['<b>compliance</b><br><b>with and without</b><br><b>the statement</b>', 0], ['<b>change of</b><br><b>the gap</b><br>(free − paid)', 0.63]] as const) {
    annotations.push({ text, xref: 'paper', yref: 'paper', x, y: 1, xanchor: 'left', yanchor: 'bottom', showarrow: false, font: { size: 12 } });
  }

  const changeLows = shown.map((row) => pct(row.effect!.gapChange.mover[0]));
  const changeHighs = shown.map((row) => pct(row.effect!.gapChange.mover[1]));
  const reach = Math.max(10, ...changeHighs.map(Math.abs), ...changeLows.map(Math.abs));
  // Zoom to the rates drawn (most are low), in steps of 10 points.
  const highestRate = Math.max(0, ...shown.flatMap((row) => (['free', 'paid'] as const).flatMap((t) => [row.effect![t].baseline.rate, row.effect![t].statement.rate])));
  const rateTop = Math.min(100, 10 * Math.ceil((pct(highestRate) + 5) / 10));
  const labelSource = source === 'compliance' ? 'LLM-judge labels' : 'prefix-proxy labels';
  return fitTitle({
    name: 'mitigation',
    title: 'Statements of duty: each tier and the gap',
    width: 1100,
    height: 230 + 52 * Math.max(shown.length, 1),
    data,
    layout: {
      ...baseLayout(
        'Statements of duty: how each tier and the gap moved',
        `hollow: baseline, filled: with the statement (same model and reasoning); diamond filled when the gap change is significant family-wise (MOVER interval, Holm across this label source's gap changes; unadjusted p beside it); ${labelSource}`,
      ),
      xaxis: { domain: [0, 0.55], title: { text: 'compliance (%)' }, range: [-rateTop / 50, rateTop + rateTop / 50], zeroline: false, gridcolor: COLORS.grid },
      // A line lower than the left panel's axis title, so the two never meet in a narrow pane.
      xaxis2: { domain: [0.63, 1], title: { text: 'gap change (points)', standoff: 30 }, range: [-reach * 1.1, reach * 1.1], zeroline: false, gridcolor: COLORS.grid, anchor: 'y' },
      yaxis: {
        tickvals: shown.map((_, i) => i),
        ticktext: labels,
        range: [shown.length - 0.5, -0.5],
        automargin: true,
        tickfont: { size: 11 },
        zeroline: false,
      },
      shapes: [{ type: 'line', xref: 'x2', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#444', width: 1.2, dash: 'dash' } }],
      annotations,
      margin: { l: 20, r: 130, t: 110, b: 120 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  }, 44);
}
