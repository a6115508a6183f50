// Hughes et al.'s first validation plot: the ROC curve of the AF classifier's vote share against a
// reference (a person's labels, or on simulated runs the simulator's truth), with its AUROC.
import type { AfValidation } from '../label/validation.js';
import { baseLayout, COLORS, plotlyText, type Figure } from './figure.js';

export function rocFigure(validation: AfValidation): Figure {
  const { roc } = validation;
  const area = roc.auroc === null ? 'n/a' : roc.auroc.toFixed(3);
  const threshold = (t: number) => (Number.isFinite(t) ? t.toFixed(2) : 'none');
  return {
    name: 'af-roc',
    title: 'AF classifier ROC',
    width: 620,
    height: 600,
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'chance',
        x: [0, 1],
        y: [0, 1],
        line: { color: '#999', dash: 'dot', width: 1 },
        hoverinfo: 'skip',
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `AF vote share (AUROC ${area})`,
        x: roc.points.map((p) => p.fpr),
        y: roc.points.map((p) => p.tpr),
        customdata: roc.points.map((p) => threshold(p.threshold)),
        // Straight segments between thresholds: ties give the diagonal, so the drawn area is the AUROC.
        line: { color: COLORS.training, width: 2.5 },
        marker: { size: 6 },
        hovertemplate: 'vote share ≥ %{customdata}<br>false positive rate %{x:.2f}<br>true positive rate %{y:.2f}<extra></extra>',
      },
    ],
    layout: {
      ...baseLayout(
        `AF classifier against ${plotlyText(validation.source)}: AUROC ${area}`,
        `${roc.positives} alignment-faking and ${roc.negatives} other transcripts${validation.judge ? ` · judge ${plotlyText(validation.judge)}` : ''}`,
      ),
      xaxis: { title: { text: 'false positive rate' }, range: [-0.02, 1.02], gridcolor: COLORS.grid, zeroline: false, constrain: 'domain' },
      yaxis: { title: { text: 'true positive rate' }, range: [-0.02, 1.02], gridcolor: COLORS.grid, zeroline: false, scaleanchor: 'x' },
      margin: { l: 80, r: 30, t: 90, b: 110 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  };
}
