// Figure (c): how often the prefix proxy agrees with the LLM judge (or, before judging, with the
// refusal heuristic), one heatmap per model. Seed 001 found the proxy's false positives this way.
import { baseLayout, type Figure, fitTitle, type PlotlyObject, plotlyText } from './figure.js';
import { panelGrid } from './grid.js';
import { AGREEMENT_CATEGORIES, type AgreementTable } from './inputs.js';

export function agreementFigure(tables: AgreementTable[]): Figure {
  // At most two panels a row: three leave too little room for the category labels in a 600 px pane.
  const columns = Math.min(Math.max(tables.length, 1), 2);
  const rows = Math.max(Math.ceil(tables.length / columns), 1);
  const grid = panelGrid(rows, columns, { x: 0.14, y: Math.min(0.35 / rows, 0.2) });
  const data: PlotlyObject[] = [];
  const layout: PlotlyObject = {};
  const annotations: PlotlyObject[] = [];
  const rowNames = tables[0]?.rowClassifier ?? 'prefix proxy';
  const colNames = tables[0]?.colClassifier ?? 'LLM judge';
  const categories = [...AGREEMENT_CATEGORIES];

  tables.forEach((table, i) => {
    const panel = grid[Math.floor(i / columns)][i % columns];
    const total = table.counts.flat().reduce((a, b) => a + b, 0);
    // Share of the model's samples in each cell, so panels with different n compare.
    const shares = table.counts.map((row) => row.map((n) => (total > 0 ? n / total : 0)));
    data.push({
      type: 'heatmap',
      x: categories,
      y: categories,
      z: shares,
      zmin: 0,
      zmax: 1,
      colorscale: [
        [0, '#f7fbff'],
        [0.25, '#c6dbef'],
        [0.5, '#6baed6'],
        [0.75, '#2171b5'],
        [1, '#08306b'],
      ],
      showscale: i === 0,
      colorbar: { title: { text: 'share of samples', side: 'right' }, tickformat: '.0%', len: 0.8 },
      xaxis: panel.xaxis,
      yaxis: panel.yaxis,
      text: table.counts.map((row, r) => row.map((n, c) => `${n}<br>(${(100 * shares[r][c]).toFixed(0)}%)`)),
      texttemplate: '%{text}',
      textfont: { size: 12 },
      hovertemplate: `${plotlyText(rowNames)}: %{y}<br>${plotlyText(colNames)}: %{x}<br>%{text}<extra></extra>`,
      xgap: 2,
      ygap: 2,
    });
    const agreement = table.agreement === null ? 'n/a' : `${(100 * table.agreement).toFixed(1)}%`;
    const kappa = table.kappa === null ? 'n/a' : table.kappa.toFixed(2);
    annotations.push({
      text: `<b>${plotlyText(table.model)}</b><br><span style="font-size:11px">agreement ${agreement},<br>Cohen's κ ${kappa} (n=${total})</span>`,
      xref: 'paper',
      yref: 'paper',
      x: (panel.xDomain[0] + panel.xDomain[1]) / 2,
      y: panel.yDomain[1],
      xanchor: 'center',
      yanchor: 'bottom',
      yshift: 4,
      showarrow: false,
      font: { size: 12 },
    });
    layout[panel.xKey] = {
      domain: panel.xDomain,
      anchor: panel.yaxis,
      title: { text: plotlyText(colNames), font: { size: 12 } },
      type: 'category',
      side: 'bottom',
      // Turned steeply, so neighbouring categories stay apart in a narrow pane.
      tickangle: -60,
    };
    layout[panel.yKey] = {
      domain: panel.yDomain,
      anchor: panel.xaxis,
      title: i % columns === 0 ? { text: plotlyText(rowNames), font: { size: 12 } } : undefined,
      // The row categories are named once per row of panels: a second set would run into the panel to its left.
      showticklabels: i % columns === 0,
      type: 'category',
      autorange: 'reversed',
    };
  });

  return fitTitle({
    name: 'classifier-agreement',
    title: 'Classifier agreement',
    width: Math.min(960, 300 * columns + 160),
    height: 170 + 330 * rows,
    data,
    layout: {
      ...baseLayout(
        `Agreement: ${plotlyText(rowNames)} vs ${plotlyText(colNames)}`,
        'each cell: samples (share of the model’s samples); off-diagonal cells are disagreements worth reading',
      ),
      ...layout,
      annotations,
      showlegend: false,
      margin: { l: 110, r: 40, t: 115, b: 80 },
    },
  }, 58);
}
