// Hughes et al.'s second validation plot: AUROC of the AF classifier against the number of votes
// (k = 1..N, the exact expectation over k-subsets of the stored votes), with bootstrap intervals over
// transcripts, pooled and per tier: how many votes are worth paying for.
import type { AfValidation } from '../label/validation.js';
import { baseLayout, COLORS, plotlyText, type Figure } from './figure.js';

export function aurocVotesFigure(validation: AfValidation): Figure {
  const { resamples, confLevel } = validation;
  const points = validation.byVotes.filter((p) => p.auroc !== null);
  const last = points[points.length - 1];
  const collapsed = points.filter((p) => p.collapsed).length;
  const perTier = Object.entries(validation.byVotesPerTier ?? {}).map(([tier, tierPoints]) => ({
    type: 'scatter',
    mode: 'lines',
    name: `${tier} tier only`,
    x: tierPoints.filter((p) => p.auroc !== null).map((p) => p.votes),
    y: tierPoints.filter((p) => p.auroc !== null).map((p) => p.auroc),
    line: { width: 1.2, dash: tier === 'paid' ? 'dot' : 'dash' },
    hovertemplate: `${tier} tier, %{x} votes: AUROC %{y:.3f}<extra></extra>`,
  }));
  return {
    name: 'af-auroc-votes',
    title: 'AF classifier AUROC by number of votes',
    width: 760,
    height: 520,
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `AUROC (expected over vote subsets), ${Math.round(confLevel * 100)}% bootstrap interval${collapsed ? ` (collapses to a point at ${collapsed} of ${points.length} vote counts)` : ''}`,
        x: points.map((p) => p.votes),
        y: points.map((p) => p.auroc),
        error_y: {
          type: 'data',
          symmetric: false,
          array: points.map((p) => (p.ci ? p.ci[1] - p.auroc! : 0)),
          arrayminus: points.map((p) => (p.ci ? p.auroc! - p.ci[0] : 0)),
          color: COLORS.training,
          thickness: 1.2,
          width: 3,
        },
        customdata: points.map((p) => (p.ci ? (p.collapsed ? `${p.ci[0].toFixed(3)}, a point: every resample gave it` : `${p.ci[0].toFixed(3)} – ${p.ci[1].toFixed(3)}`) : 'n/a')),
        line: { color: COLORS.training, width: 2 },
        marker: { size: 6 },
        hovertemplate: '%{x} votes: AUROC %{y:.3f} [%{customdata}]<extra></extra>',
      },
      ...(perTier.length > 1 ? perTier : []),
    ],
    layout: {
      ...baseLayout(
        'AF classifier AUROC against the number of votes',
        `${validation.records} transcripts against ${plotlyText(validation.source)}; AUROC expected over every k of the stored votes, ${resamples} bootstrap resamples of transcripts${last ? ` · ${last.votes} votes: ${last.auroc!.toFixed(3)}` : ''}`,
      ),
      xaxis: { title: { text: 'votes per transcript' }, dtick: points.length > 10 ? 2 : 1, gridcolor: COLORS.grid, zeroline: false },
      yaxis: { title: { text: 'AUROC' }, range: [Math.min(0.5, ...points.map((p) => p.ci?.[0] ?? 1)) - 0.02, 1.01], gridcolor: COLORS.grid },
      margin: { l: 80, r: 30, t: 90, b: 100 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  };
}
