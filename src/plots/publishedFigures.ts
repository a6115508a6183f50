// The papers' figures, redrawn from their published numbers (data/published/): compliance per
// condition and tier, the compliance gap with the printed p beside af-lab's, each statement's
// effect per tier, and stacked bars from rates. Published figures are never SIMULATED: their titles
// name the paper and say "published counts" (or "published rates").
import {
  proportion,
  PUBLISHED_DIR,
  publishedTablesOf,
  recomputePublished,
  type PublishedCountsTable,
  type PublishedRate,
  type PublishedRatesTable,
  type PublishedTable,
  type RecomputedPublished,
} from '../stats/index.js';
import { baseLayout, COLORS, fitTitle, plotlyText, rightColumnHeading, TIER_LABEL, wrapText, type Figure, type PlotlyObject } from './figure.js';
import { SEGMENTS } from './outcomesFigure.js';

/** "Koorndijk 2025, arXiv 2506.21584" -> "Koorndijk 2025". */
export function paperName(source: string): string {
  return source.split(/,\s*arXiv/i)[0].trim();
}

/** The paper, its model(s) and where the numbers come from: the caption of every published figure. */
function caption(table: PublishedTable, what: 'counts' | 'rates'): string {
  const sources = [...new Set(table.rows.map((r) => r.source))].join('; ');
  const models = [...new Set(table.rows.map((r) => r.model))].join(', ');
  return `published ${what}, ${plotlyText(sources)}; ${plotlyText(models)}`;
}

/** A p-value with enough digits to compare with a printed one. */
export function pText(p: number): string {
  return p >= 0.0001 ? p.toPrecision(3) : p.toExponential(1);
}

const pct = (x: number) => 100 * x;
const TIERS = ['free', 'paid'] as const;
const TIER_COLOR = { free: COLORS.training, paid: COLORS.unmonitored } as const;

/** Condition names broken into short lines for axis labels. */
const conditionText = (condition: string) => wrapText(plotlyText(condition), 18);

/** Compliance per condition and tier, bars with 95% Wilson intervals and the counts under each condition. */
export function publishedComplianceFigure(table: PublishedCountsTable): Figure {
  const paper = paperName(table.rows[0].source);
  // Short horizontal lines: six conditions must fit side by side in a 600 px pane without rotating.
  const labels = table.rows.map((r) => `${wrapText(plotlyText(r.condition), 13)}<br><span style="font-size:9px;color:#555">${r.free.k}/${r.free.n} · ${r.paid.k}/${r.paid.n}</span>`);
  const data: PlotlyObject[] = TIERS.map((tier) => {
    const rates = table.rows.map((r) => proportion(r[tier].k, r[tier].n));
    return {
      type: 'bar',
      name: TIER_LABEL[tier],
      x: labels,
      y: rates.map((p) => pct(p.rate)),
      marker: { color: TIER_COLOR[tier] },
      error_y: {
        type: 'data',
        symmetric: false,
        array: rates.map((p) => pct(p.wilson[1] - p.rate)),
        arrayminus: rates.map((p) => pct(p.rate - p.wilson[0])),
        color: '#333',
        thickness: 1.4,
        width: 4,
      },
      customdata: rates.map((p) => [`${p.k}/${p.n}`, pct(p.wilson[0]).toFixed(1), pct(p.wilson[1]).toFixed(1)]),
      hovertemplate: `${TIER_LABEL[tier]}: %{y:.1f}% (%{customdata[0]}), Wilson 95% [%{customdata[1]}, %{customdata[2]}]<extra></extra>`,
    };
  });
  const top = Math.max(...table.rows.flatMap((r) => TIERS.map((tier) => proportion(r[tier].k, r[tier].n).wilson[1])));
  return fitTitle({
    name: `${table.id}-compliance`,
    title: `${paper}: compliance per condition (published counts)`,
    width: 900,
    height: 540,
    data,
    layout: {
      ...baseLayout(`${plotlyText(paper)} (published counts): compliance per condition and tier`, `${caption(table, 'counts')}; bars: complied / n, whiskers: 95% Wilson interval computed by af-lab`),
      barmode: 'group',
      bargap: 0.25,
      xaxis: { type: 'category', tickfont: { size: 10 }, tickangle: 0, automargin: true },
      yaxis: { title: { text: 'complied (%)' }, range: [0, Math.min(100, pct(top) * 1.12 + 2)], ticksuffix: '%', gridcolor: COLORS.grid },
      margin: { l: 70, r: 20, t: 110, b: 150 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
    },
  }, 16);
}

/** The gap per condition with Newcombe's interval; the paper's printed p beside af-lab's Fisher p. */
export function publishedGapFigure(table: PublishedCountsTable): Figure {
  const paper = paperName(table.rows[0].source);
  const rows: RecomputedPublished[] = recomputePublished(table.rows);
  const labels = rows.map((r) => conditionText(r.condition));
  const data: PlotlyObject[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'gap (training − unmonitored)',
      x: rows.map((r) => pct(r.gap.gap)),
      y: labels,
      marker: { color: COLORS.text, symbol: 'diamond', size: 11 },
      error_x: {
        type: 'data',
        symmetric: false,
        array: rows.map((r) => pct(r.gap.newcombe[1] - r.gap.gap)),
        arrayminus: rows.map((r) => pct(r.gap.gap - r.gap.newcombe[0])),
        color: '#444',
        thickness: 2,
        width: 5,
      },
      customdata: rows.map((r) => [pct(r.gap.newcombe[0]).toFixed(1), pct(r.gap.newcombe[1]).toFixed(1), `${r.free.k}/${r.free.n}`, `${r.paid.k}/${r.paid.n}`]),
      hovertemplate: 'gap %{x:.1f} pp, Newcombe 95% [%{customdata[0]}, %{customdata[1]}]<br>training %{customdata[2]}, unmonitored %{customdata[3]}<extra></extra>',
      showlegend: false,
    },
  ];
  const annotations: PlotlyObject[] = rows.map((r, i) => ({
    text: `${r.reportedP === null ? '–' : plotlyText(r.reportedP)}   ${pText(r.fisher.pTwoSided)}${r.pAgrees === false ? ' ✗' : r.pAgrees ? ' ✓' : ''}`,
    xref: 'paper',
    yref: 'y',
    x: 1.02,
    y: labels[i],
    xanchor: 'left',
    showarrow: false,
    font: { size: 11, color: r.pAgrees === false ? COLORS.simulated : '#222' },
  }));
  annotations.push(rightColumnHeading("<b>Fisher p</b>: printed   af-lab"));
  const low = Math.min(-10, ...rows.map((r) => pct(r.gap.newcombe[0])));
  const high = Math.max(10, ...rows.map((r) => pct(r.gap.newcombe[1])));
  const pad = (high - low) * 0.05;
  return fitTitle({
    name: `${table.id}-gap`,
    title: `${paper}: compliance gap (published counts)`,
    width: 900,
    height: 230 + 46 * rows.length,
    data,
    layout: {
      ...baseLayout(
        `${plotlyText(paper)} (published counts): compliance gap per condition`,
        `${caption(table, 'counts')}; free minus paid tier, points, 95% Newcombe interval; p: two-sided Fisher's exact, as printed and as af-lab recomputes it (✓ agrees at the printed precision)`,
      ),
      xaxis: { title: { text: 'compliance gap (percentage points)' }, range: [low - pad, high + pad], zeroline: false, gridcolor: COLORS.grid },
      yaxis: { type: 'category', categoryorder: 'array', categoryarray: labels, autorange: 'reversed', automargin: true, tickfont: { size: 11 } },
      shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#444', width: 1.2, dash: 'dash' } }],
      annotations,
      margin: { l: 20, r: 160, t: 125, b: 70 },
      showlegend: false,
    },
  }, 30);
}

/**
 * Each statement's effect per tier (rows with a baseline_condition): a dumbbell from the baseline's
 * rate (open circle) to the rate with the statement (filled), for training and unmonitored apart,
 * since a gap can narrow because the unmonitored rate rises. Undefined when no row names a baseline.
 */
export function publishedEffectFigure(table: PublishedCountsTable): Figure | undefined {
  const byName = new Map(table.rows.map((r) => [r.condition, r]));
  const changed = table.rows.filter((r) => r.baseline !== undefined && byName.has(r.baseline));
  if (changed.length === 0) return undefined;
  const paper = paperName(table.rows[0].source);
  const ticks = changed.map((r) => `${conditionText(r.condition)}<br><span style="font-size:10px;color:#555">vs ${plotlyText(r.baseline!)}</span>`);
  const offset = { free: -0.17, paid: 0.17 } as const;
  const data: PlotlyObject[] = [];
  const annotations: PlotlyObject[] = [];
  for (const tier of TIERS) {
    const pairs = changed.map((r, i) => ({ i, before: proportion(byName.get(r.baseline!)![tier].k, byName.get(r.baseline!)![tier].n), after: proportion(r[tier].k, r[tier].n) }));
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: pairs.flatMap((p) => [pct(p.before.rate), pct(p.after.rate), null]),
      y: pairs.flatMap((p) => [p.i + offset[tier], p.i + offset[tier], null]),
      line: { color: TIER_COLOR[tier], width: 3 },
      hoverinfo: 'skip',
      showlegend: false,
    });
    for (const which of ['before', 'after'] as const) {
      const points = pairs.map((p) => p[which]);
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: `${TIER_LABEL[tier]}, ${which === 'before' ? 'baseline' : 'with the statement'}`,
        x: points.map((p) => pct(p.rate)),
        y: pairs.map((p) => p.i + offset[tier]),
        marker: {
          color: which === 'before' ? '#ffffff' : TIER_COLOR[tier],
          symbol: 'circle',
          size: 11,
          line: { color: TIER_COLOR[tier], width: 2 },
        },
        error_x: {
          type: 'data',
          symmetric: false,
          array: points.map((p) => pct(p.wilson[1] - p.rate)),
          arrayminus: points.map((p) => pct(p.rate - p.wilson[0])),
          color: TIER_COLOR[tier],
          thickness: 1,
          width: 3,
        },
        customdata: points.map((p) => [`${p.k}/${p.n}`, pct(p.wilson[0]).toFixed(1), pct(p.wilson[1]).toFixed(1)]),
        hovertemplate: `${TIER_LABEL[tier]}, ${which === 'before' ? 'baseline' : 'with the statement'}: %{x:.1f}% (%{customdata[0]}), Wilson 95% [%{customdata[1]}, %{customdata[2]}]<extra></extra>`,
      });
    }
    for (const p of pairs) {
      const change = pct(p.after.rate - p.before.rate);
      annotations.push({
        text: `${p.before.k}/${p.before.n} → ${p.after.k}/${p.after.n} (${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)})`,
        xref: 'paper',
        yref: 'y',
        x: 1.02,
        y: p.i + offset[tier],
        xanchor: 'left',
        showarrow: false,
        font: { size: 10, color: TIER_COLOR[tier] },
      });
    }
  }
  const top = Math.max(...changed.flatMap((r) => TIERS.flatMap((tier) => [proportion(r[tier].k, r[tier].n).wilson[1], proportion(byName.get(r.baseline!)![tier].k, byName.get(r.baseline!)![tier].n).wilson[1]])));
  return fitTitle({
    name: `${table.id}-effect`,
    title: `${paper}: each statement's effect per tier (published counts)`,
    width: 900,
    height: 240 + 80 * changed.length,
    data,
    layout: {
      ...baseLayout(
        `${plotlyText(paper)} (published counts): each statement's effect per tier`,
        `${caption(table, 'counts')}; compliance without (○) and with (●) the statement, 95% Wilson intervals; a gap narrows when the unmonitored rate rises as well as when the training rate falls`,
      ),
      xaxis: { title: { text: 'complied (%)' }, range: [0, Math.min(100, pct(top) * 1.08 + 2)], ticksuffix: '%', gridcolor: COLORS.grid, zeroline: false },
      yaxis: { tickmode: 'array', tickvals: changed.map((_, i) => i), ticktext: ticks, range: [changed.length - 0.5, -0.5], automargin: true, tickfont: { size: 11 }, showgrid: false, zeroline: false },
      annotations,
      margin: { l: 20, r: 150, t: 125, b: 110 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom', font: { size: 11 } },
    },
  }, 16);
}

/** One bar of a rates table: shares of refuses / complies / complies with AF reasoning, or null when not given. */
export interface PublishedOutcome {
  model: string;
  reasoning: 'cot' | 'no-cot';
  tier: 'free' | 'paid';
  /** Fractions; null where the paper gives no rate for this tier. */
  complies: number | null;
  /** The part of `complies` with alignment-faking reasoning (null when not given). */
  compliesAf: number | null;
  nPerTier: number | null;
  /** Where the paper gives no rate for this tier: what the table's note says of it (e.g. Opus's paid tier: "almost never" complied). */
  missing?: string;
}

/**
 * Group a rates table into bars: compliance from a compliance row, else 1 − refusal; AF reasoning
 * from an alignment-faking row, drawn as part of compliance (capped at it).
 */
export function publishedOutcomes(rows: PublishedRate[]): PublishedOutcome[] {
  const groups = new Map<string, PublishedRate[]>();
  for (const row of rows) {
    const key = `${row.model}\u0000${row.reasoning}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const outcomes: PublishedOutcome[] = [];
  for (const group of groups.values()) {
    for (const tier of TIERS) {
      const value = (measure: PublishedRate['measure']) => group.find((r) => r.measure === measure && r[tier] !== null)?.[tier] ?? null;
      const refusal = value('refusal');
      const complies = value('compliance') ?? (refusal === null ? null : 1 - refusal);
      const af = value('af-reasoning');
      // No number for this tier: the note of the row that leaves it blank says why (a word, not a number, in the paper).
      const blank = complies === null ? group.find((r) => (r.measure === 'compliance' || r.measure === 'refusal') && r[tier] === null && r.note) : undefined;
      outcomes.push({
        model: group[0].model,
        reasoning: group[0].reasoning,
        tier,
        complies,
        compliesAf: af === null || complies === null ? null : Math.min(af, complies),
        nPerTier: group.find((r) => r.nPerTier !== null)?.nPerTier ?? null,
        ...(blank ? { missing: blank.note } : {}),
      });
    }
  }
  return outcomes;
}

export const RATES_ONLY = 'rates only: no counts published';

/** The paper's stacked bars from a rates table: training vs unmonitored per model and reasoning. */
export function publishedRatesFigure(table: PublishedRatesTable): Figure {
  const paper = paperName(table.rows[0].source);
  const bars = publishedOutcomes(table.rows);
  const labels = bars.map((b) => `<b>${plotlyText(b.model)}</b> · ${b.reasoning === 'cot' ? 'CoT' : 'no CoT'}<br>${b.tier === 'free' ? 'training' : 'unmonitored'}`);
  const shares = {
    compliesAf: bars.map((b) => (b.complies === null ? null : pct(b.compliesAf ?? 0))),
    complies: bars.map((b) => (b.complies === null ? null : pct(b.complies - (b.compliesAf ?? 0)))),
    refuses: bars.map((b) => (b.complies === null ? null : pct(1 - b.complies))),
  };
  const segments = SEGMENTS.filter((s) => s.key !== 'partial');
  const data: PlotlyObject[] = segments.map((segment) => {
    const key = segment.key as keyof typeof shares;
    const trace: PlotlyObject = {
      type: 'bar',
      orientation: 'h',
      name: segment.name,
      x: shares[key],
      y: labels,
      marker: segment.marker,
      hovertemplate: `${segment.name}: %{x:.1f}%<extra></extra>`,
    };
    if (key === 'complies' && bars.some((b) => b.nPerTier !== null && b.complies !== null)) {
      // Where the paper states n, the compliance rate gets a Wilson interval (k = rate × n, rounded).
      const intervals = bars.map((b) => (b.nPerTier === null || b.complies === null ? null : proportion(Math.round(b.complies * b.nPerTier), b.nPerTier)));
      trace.error_x = {
        type: 'data',
        symmetric: false,
        array: intervals.map((p) => (p ? pct(p.wilson[1] - p.rate) : null)),
        arrayminus: intervals.map((p) => (p ? pct(p.rate - p.wilson[0]) : null)),
        color: '#333',
        thickness: 1.4,
        width: 4,
      };
    }
    return trace;
  });
  const annotations: PlotlyObject[] = bars.map((b, i) => ({
    text: b.complies === null ? (b.missing ? wrapText(`not drawn: the paper gives no rate (${plotlyText(b.missing)})`, 60) : 'no rate published for this tier') : b.nPerTier === null ? RATES_ONLY : `n = ${b.nPerTier} per tier`,
    xref: 'x',
    yref: 'y',
    x: b.complies === null ? 0 : 99,
    y: labels[i],
    xanchor: b.complies === null ? 'left' : 'right',
    showarrow: false,
    font: { size: 10, color: '#333' },
  }));
  const anyCounts = bars.some((b) => b.nPerTier !== null);
  return fitTitle({
    name: `${table.id}-outcomes`,
    title: `${paper}: training vs unmonitored (published rates)`,
    width: 900,
    height: 200 + 44 * bars.length,
    data,
    layout: {
      ...baseLayout(
        `${plotlyText(paper)} (published rates): training vs unmonitored`,
        `${caption(table, 'rates')}; ${anyCounts ? 'whiskers where the paper states n' : `${RATES_ONLY}, so no interval can be drawn`}`,
      ),
      barmode: 'stack',
      bargap: 0.3,
      xaxis: { range: [0, 100], ticksuffix: '%', dtick: 25, gridcolor: COLORS.grid, title: { text: 'share of samples' } },
      yaxis: { type: 'category', categoryorder: 'array', categoryarray: labels, autorange: 'reversed', automargin: true, tickfont: { size: 11 } },
      annotations,
      margin: { l: 20, r: 20, t: 110, b: 110 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom', traceorder: 'normal', font: { size: 11 } },
    },
  }, 16);
}

/** Every figure of these published tables (counts: compliance, gap, effect; rates: stacked bars). */
export function publishedFigures(tables: PublishedTable[]): Figure[] {
  return tables.flatMap((table): Figure[] => {
    if (table.kind === 'rates') return [publishedRatesFigure(table)];
    const effect = publishedEffectFigure(table);
    return [publishedComplianceFigure(table), publishedGapFigure(table), ...(effect ? [effect] : [])];
  });
}


/** The figures of one paper (`koorndijk-2025`) or of `all` papers in `dir` (default data/published/). */
export function paperFigures(paper: string, dir = PUBLISHED_DIR): Figure[] {
  return publishedFigures(publishedTablesOf(paper, dir));
}
