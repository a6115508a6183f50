// One figure per user scorer: each condition's training (free) and unmonitored (paid) value with its
// interval, a rate in percent for yes/no scorers and a mean for numeric ones.
import { baseLayout, COLORS, conditionLabel, type Figure, fitTitle, plotlyText, type PlotlyObject, wrapText } from './figure.js';
import type { UserScoreRow } from './inputs.js';

const TIERS = [
  { tier: 'free', name: 'training (free tier)', color: COLORS.training, symbol: 'square' },
  { tier: 'paid', name: 'unmonitored (paid tier)', color: COLORS.unmonitored, symbol: 'diamond' },
] as const;

/** The figures of the user scorers in these rows, one per scorer in the order first seen. */
export function scoresFigures(rows: UserScoreRow[]): Figure[] {
  const scorers = [...new Set(rows.map((row) => `${row.scorer}\u0000${row.kind}`))];
  return scorers.map((id) => {
    const [scorer, kind] = id.split('\u0000');
    return scoreFigure(scorer, rows.filter((row) => row.scorer === scorer && row.kind === kind));
  });
}

function scoreFigure(scorer: string, rows: UserScoreRow[]): Figure {
  const rate = rows[0]?.kind === 'rate';
  const scale = rate ? 100 : 1;
  const labels = rows.map((row) => wrapText(`${conditionLabel(row.model, row.variant)} · ${row.reasoning === 'cot' ? 'CoT' : 'no CoT'}${row.context ? ` · ${plotlyText(row.context)}` : ''}`, 24));
  const data: PlotlyObject[] = TIERS.map(({ tier, name, color, symbol }) => {
    const shown = rows.map((row, i) => ({ cell: row[tier], label: labels[i] })).filter(({ cell }) => cell.value !== null);
    return {
      type: 'scatter',
      mode: 'markers',
      name,
      x: shown.map(({ cell }) => scale * cell.value!),
      y: shown.map(({ label }) => label),
      marker: { color, symbol, size: 11, line: { color: '#222', width: 0.8 } },
      error_x: {
        type: 'data',
        symmetric: false,
        array: shown.map(({ cell }) => (cell.ci ? scale * (cell.ci[1] - cell.value!) : 0)),
        arrayminus: shown.map(({ cell }) => (cell.ci ? scale * (cell.value! - cell.ci[0]) : 0)),
        color,
        thickness: 2,
        width: 5,
      },
      customdata: shown.map(({ cell }) => [cell.n]),
      hovertemplate: `${rate ? '%{x:.1f}%' : 'mean %{x:.3g}'} (n=%{customdata[0]})<extra>${name}</extra>`,
    };
  });
  const level = `${+(100 * (rows[0]?.confLevel ?? 0.95)).toFixed(1)}%`;
  const subtitle = rate
    ? `your scorer "${scorer}": share of samples it said yes to, with its ${level} Wilson interval`
    : `your scorer "${scorer}": mean value, with its ${level} t interval`;
  return fitTitle({
    name: `score-${scorer}`,
    title: `Scorer ${scorer}`,
    width: 960,
    height: 215 + 44 * Math.max(rows.length, 1),
    data,
    layout: {
      ...baseLayout(`Scorer: ${plotlyText(scorer)}`, subtitle),
      xaxis: { title: { text: rate ? `${plotlyText(scorer)} (% of samples)` : `${plotlyText(scorer)} (mean)` }, ...(rate ? { range: [-2, 102] } : {}), zeroline: false, gridcolor: COLORS.grid },
      yaxis: { type: 'category', categoryorder: 'array', categoryarray: labels, autorange: 'reversed', automargin: true, tickfont: { size: 11 } },
      margin: { l: 20, r: 30, t: 95, b: 110 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  }, 30);
}
