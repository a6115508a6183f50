// Figure: an ablation's forest. One row per change (an element off or reworded, or a wording of a
// statement); three panels: the change of the training (free) tier, of the unmonitored (paid) tier, and
// of the gap, each with its cluster-robust interval. A row whose element's joint test rejects is filled.
import type { AblationEffect } from '../summary/ablation.js';
import { baseLayout, COLORS, conditionLabel, formatP, TIER_SHORT, type Figure, type PlotlyObject } from './figure.js';
import type { ComplianceSource } from './inputs.js';
import { complianceSourceName } from './complianceSource.js';

const PANELS = [
  { what: 'free', axis: 'x', domain: [0, 0.3], title: `${TIER_SHORT.free} (free) tier`, color: COLORS.training },
  { what: 'paid', axis: 'x2', domain: [0.35, 0.65], title: `${TIER_SHORT.paid} (paid) tier`, color: COLORS.unmonitored },
  { what: 'gap', axis: 'x3', domain: [0.7, 1], title: 'gap (free − paid)', color: '#222' },
] as const;

export function ablationFigure(effects: readonly AblationEffect[], source: ComplianceSource, alpha = 0.05): Figure {
  const labels = effects.map((e) => `${conditionLabel(e.model, e.statement)} · ${e.reasoning === 'cot' ? 'CoT' : 'no CoT'} · ${e.design === 'paraphrases' ? `wording ${e.element}` : e.change === 'off' ? `no ${e.element}` : `${e.element}: ${e.change}`}`);
  const pct = (x: number) => 100 * x;
  const rejected = effects.map((e) => e.joint.pValue < alpha);
  const data: PlotlyObject[] = PANELS.map((panel) => ({
    type: 'scatter',
    mode: 'markers',
    name: `${panel.title}, change with its interval`,
    x: effects.map((e) => pct(e[panel.what].estimate)),
    y: effects.map((_, i) => i),
    marker: { symbol: panel.what === 'gap' ? 'diamond' : 'circle', size: 10, color: rejected.map((r) => (r ? panel.color : '#ffffff')), line: { color: panel.color, width: 1.6 } },
    error_x: {
      type: 'data',
      symmetric: false,
      array: effects.map((e) => pct(e[panel.what].ci[1] - e[panel.what].estimate)),
      arrayminus: effects.map((e) => pct(e[panel.what].estimate - e[panel.what].ci[0])),
      color: panel.color,
      thickness: 1.5,
      width: 4,
    },
    customdata: effects.map((e) => [pct(e[panel.what].ci[0]).toFixed(1), pct(e[panel.what].ci[1]).toFixed(1), formatP(e.joint.pValue)]),
    hovertemplate: `${panel.title}: %{x:+.1f} pp [%{customdata[0]}, %{customdata[1]}]<br>joint test of the element %{customdata[2]}<extra></extra>`,
    xaxis: panel.axis,
    yaxis: 'y',
    showlegend: false,
  }));
  const reach = Math.max(10, ...effects.flatMap((e) => PANELS.flatMap((p) => [Math.abs(pct(e[p.what].ci[0])), Math.abs(pct(e[p.what].ci[1]))])).filter(Number.isFinite));
  const range = [-reach * 1.1, reach * 1.1];
  const axes = Object.fromEntries(
    PANELS.map((panel, i) => [i === 0 ? 'xaxis' : `xaxis${i + 1}`, { domain: panel.domain, range, title: { text: 'change (points)' }, zeroline: false, gridcolor: COLORS.grid, ...(i ? { anchor: 'y' } : {}) }]),
  );
  const annotations: PlotlyObject[] = [
    ...PANELS.map((panel) => ({ text: `<b>${panel.title}</b>`, xref: 'paper', yref: 'paper', x: (panel.domain[0] + panel.domain[1]) / 2, y: 1, xanchor: 'center', yanchor: 'bottom', showarrow: false, font: { size: 12 } })),
    ...effects.map((e, i) => ({ text: `joint ${formatP(e.joint.pValue)}`, xref: 'paper', yref: 'y', x: 1.01, y: i, xanchor: 'left', showarrow: false, font: { size: 11, color: rejected[i] ? '#111' : '#666' } })),
  ];
  const labelSource = complianceSourceName(source) === 'compliance' ? 'LLM-judge labels' : 'prefix-proxy labels';
  return {
    name: 'ablation',
    title: 'Ablation: what each element does to each tier and the gap',
    width: 1200,
    height: 230 + 44 * Math.max(effects.length, 1),
    data,
    layout: {
      ...baseLayout(
        'Ablation: what each change does to each tier and to the gap',
        `change against every element on (paraphrases: against baseline), cluster-robust intervals by request; filled when the element's joint Wald test rejects at ${alpha}; ${labelSource}`,
      ),
      ...axes,
      yaxis: { tickvals: effects.map((_, i) => i), ticktext: labels, range: [effects.length - 0.5, -0.5], automargin: true, tickfont: { size: 11 }, zeroline: false },
      shapes: PANELS.map((panel) => ({ type: 'line', xref: panel.axis, yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#444', width: 1, dash: 'dash' } })),
      annotations,
      margin: { l: 20, r: 110, t: 110, b: 80 },
    },
  };
}
