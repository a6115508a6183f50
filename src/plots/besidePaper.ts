// A run beside the paper it replicates: for each run condition mapped to a paper condition, both
// compliance rates per tier with Wilson intervals, and Fisher's exact test of run vs paper per tier,
// so a replication reads "consistent" or "differs" with a p-value rather than by eye.
import type { SampleRecord, Tier } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { fisherExact, proportion, PUBLISHED_DIR, publishedTablesOf, tierTable, type FisherResult, type Proportion, type PublishedCountsTable } from '../stats/index.js';
import { baseLayout, COLORS, fitTitle, markSimulated, plotlyText, rightColumnHeading, TIER_LABEL, wrapText, type Figure, type PlotlyObject } from './figure.js';
import { FigureAccumulator } from './figureAccumulator.js';
import type { ComplianceSource } from './inputs.js';
import { paperName, pText } from './publishedFigures.js';

/** Run condition (`variant/reasoning`, e.g. `baseline/no-cot`) -> paper condition (e.g. `Baseline 1`). */
export type ConditionMap = Record<string, string>;

export interface BesideRow {
  /** The paper's condition name. */
  condition: string;
  /** The run's condition, `variant/reasoning`. */
  runCondition: string;
  model: string;
  tier: Tier;
  run: Proportion;
  paper: Proportion;
  /** Fisher's exact test, two-sided, on [[run complied, run not], [paper complied, paper not]]. */
  fisher: FisherResult;
  /** "differs" when p < alpha; "consistent" means only that no difference was found. */
  verdict: 'consistent' | 'differs';
}

export interface BesideInputs {
  paper: string;
  /** The table the paper's numbers come from (its id, e.g. `koorndijk2025-llama3-8b`). */
  tableId: string;
  paperModel: string;
  source: string;
  simulated: boolean;
  complianceSource: ComplianceSource;
  alpha: number;
  rows: BesideRow[];
}

/**
 * How the variants of a shipped setting stand for its paper's conditions, by variant name: a run of
 * that setting is set beside the paper without any --map. Koorndijk (2025): Baseline 1 and the
 * statements A and B are no-CoT conditions, Scratchpad is Baseline 1 with reasoning first, Baseline 2
 * and D (written on Baseline 2) are no-CoT.
 */
export const SETTING_CONDITIONS: Readonly<Record<string, ConditionMap>> = {
  'koorndijk-2025': {
    'baseline/no-cot': 'Baseline 1',
    'baseline/cot': 'Scratchpad',
    'koorndijk-baseline-2/no-cot': 'Baseline 2',
    'koorndijk-a/no-cot': 'Prompt A (deontological; simple)',
    'koorndijk-b/no-cot': 'Prompt B (deontological; detailed)',
    'koorndijk-d/no-cot': 'Prompt D (deontological on baseline 2)',
  },
};

export interface BesideOptions {
  /** Run condition -> paper condition. Without it, a run condition whose variant (or variant/reasoning)
   * is the paper condition's name in lower case with dashes (`Baseline 1` -> `baseline-1`) is matched. */
  conditionMap?: ConditionMap;
  /** Significance level of the run-vs-paper test (default 0.05). */
  alpha?: number;
  /** The setting the run followed: a shipped setting of this paper maps its own variants (SETTING_CONDITIONS) when no conditionMap is given. */
  setting?: string;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** `variant/reasoning -> paper condition` pairs, parsed from `--map` flags: `baseline/no-cot=Baseline 1`. */
export function parseConditionMap(entries: readonly string[]): ConditionMap {
  const map: ConditionMap = {};
  for (const entry of entries) {
    const match = /^\s*([^=/]+)\/(cot|no-cot)\s*=\s*(.+?)\s*$/.exec(entry);
    if (!match) throw new UserError(`--map "${entry}" is not variant/reasoning=paper condition`, 'write it like --map "baseline/no-cot=Baseline 1" (reasoning is cot or no-cot)');
    map[`${match[1].trim()}/${match[2]}`] = match[3];
  }
  return map;
}

/**
 * A --map example for this table: the shipped setting's own pairs where one covers it (Baseline 1 is
 * a no-CoT condition), else the run's first condition, no-CoT preferred, against the paper's first.
 */
function mapHint(table: PublishedCountsTable, counts: Array<{ variant: string; reasoning: string }>): string {
  const names = new Set(table.rows.map((r) => r.condition));
  const shipped = Object.values(SETTING_CONDITIONS).find((map) => Object.values(map).every((c) => names.has(c)));
  if (shipped) return Object.entries(shipped).slice(0, 2).map(([run, paper]) => `--map "${run}=${paper}"`).join(' ');
  const first = counts.find((c) => c.reasoning === 'no-cot') ?? counts[0];
  return `--map "${first?.variant ?? 'baseline'}/${first?.reasoning ?? 'no-cot'}=${table.rows[0].condition}"`;
}

/** The run's counts set against the paper's, per mapped condition, model and tier. */
export function besidePaperInputs(records: SampleRecord[] | FigureAccumulator, table: PublishedCountsTable, options: BesideOptions = {}): BesideInputs {
  const alpha = options.alpha ?? 0.05;
  // A run read one record at a time gives its FigureAccumulator; an array is fed through one.
  const run = records instanceof FigureAccumulator ? records : FigureAccumulator.of(records);
  const source = run.complianceSource();
  const counts = run.outcomeCounts(source);
  const conditions = new Map(table.rows.map((r) => [r.condition, r]));
  const shipped = options.setting ? SETTING_CONDITIONS[options.setting] : undefined;
  // A shipped setting's map applies to the table of its paper (every mapped condition is in it).
  const own = shipped && Object.values(shipped).every((condition) => conditions.has(condition)) ? shipped : undefined;
  const map = options.conditionMap;
  if (map) {
    for (const [runCondition, condition] of Object.entries(map)) {
      if (!conditions.has(condition)) {
        throw new UserError(`"${condition}" (mapped from ${runCondition}) is not a condition of ${table.id}`, `use one of: ${[...conditions.keys()].join('; ')}`);
      }
    }
  }
  const paperConditionOf = (variant: string, reasoning: string): string | undefined => {
    const runCondition = `${variant}/${reasoning}`;
    if (map) return map[runCondition];
    if (own?.[runCondition]) return own[runCondition];
    return table.rows.find((r) => slug(r.condition) === slug(variant) || slug(r.condition) === slug(runCondition))?.condition;
  };
  const rows: BesideRow[] = [];
  for (const bar of counts) {
    const condition = paperConditionOf(bar.variant, bar.reasoning);
    if (!condition || bar.total === 0) continue;
    const published = conditions.get(condition)!;
    const complied = bar.complies + bar.compliesAf + bar.partial;
    const fisher = fisherExact(tierTable({ k: complied, n: bar.total }, published[bar.tier]));
    rows.push({
      condition,
      runCondition: `${bar.variant}/${bar.reasoning}`,
      model: bar.model,
      tier: bar.tier,
      run: proportion(complied, bar.total),
      paper: proportion(published[bar.tier].k, published[bar.tier].n),
      fisher,
      verdict: fisher.pTwoSided < alpha ? 'differs' : 'consistent',
    });
  }
  if (rows.length === 0) {
    const runConditions = [...new Set(counts.map((c) => `${c.variant}/${c.reasoning}`))].join(', ');
    throw new UserError(
      `no condition of this run (${runConditions}) matches a condition of ${table.paper} (${[...conditions.keys()].join('; ')})`,
      `map them, e.g. ${mapHint(table, counts)} (or conditionMap in code)`,
    );
  }
  // In the paper's order of conditions, then by model, training before unmonitored.
  const order = [...conditions.keys()];
  rows.sort((a, b) => order.indexOf(a.condition) - order.indexOf(b.condition) || a.model.localeCompare(b.model) || a.runCondition.localeCompare(b.runCondition) || (a.tier === b.tier ? 0 : a.tier === 'free' ? -1 : 1));
  return {
    paper: paperName(table.rows[0].source),
    tableId: table.id,
    paperModel: table.rows[0].model,
    source: table.rows[0].source,
    simulated: run.simulatedRecords,
    complianceSource: source,
    alpha,
    rows,
  };
}

/** Pixels per row: room for the tallest label (lines of about 15 px) and a gap, at least 52. */
function rowHeight(labels: string[]): number {
  return Math.max(52, 15 * Math.max(...labels.map((label) => label.split('<br>').length)) + 14);
}

/**
 * Per paper condition and tier: the paper's rate (open diamond) and the run's (filled circle), each
 * with its Wilson interval, and on the right the run-vs-paper Fisher p with "consistent"/"differs".
 * A simulated run is stamped SIMULATED; the paper's numbers are labelled as published counts.
 */
export function besidePaperFigure(inputs: BesideInputs): Figure {
  // The run's model is named on each row only when the run has several.
  const several = new Set(inputs.rows.map((r) => r.model)).size > 1;
  const labels = inputs.rows.map(
    (r) =>
      `${wrapText(plotlyText(r.condition), 20)}<br><span style="font-size:10px;color:#555">${several ? `${plotlyText(r.model)} · ` : ''}${plotlyText(r.runCondition)} · ${r.tier === 'free' ? 'training' : 'unmonitored'}</span>`,
  );
  const y = labels.map((_, i) => i);
  const point = (which: 'paper' | 'run'): PlotlyObject => {
    const values = inputs.rows.map((r) => r[which]);
    const name = which === 'paper' ? `${plotlyText(inputs.paper)} (published counts)` : `this run${inputs.simulated ? ' (SIMULATED)' : ''}`;
    return {
      type: 'scatter',
      mode: 'markers',
      name,
      x: values.map((p) => 100 * p.rate),
      y: y.map((i) => i + (which === 'paper' ? -0.14 : 0.14)),
      marker: {
        symbol: which === 'paper' ? 'diamond-open' : 'circle',
        size: 11,
        color: inputs.rows.map((r) => (r.tier === 'free' ? COLORS.training : COLORS.unmonitored)),
        line: { width: 2, color: inputs.rows.map((r) => (r.tier === 'free' ? COLORS.training : COLORS.unmonitored)) },
      },
      error_x: {
        type: 'data',
        symmetric: false,
        array: values.map((p) => 100 * (p.wilson[1] - p.rate)),
        arrayminus: values.map((p) => 100 * (p.rate - p.wilson[0])),
        color: which === 'paper' ? '#777' : '#222',
        thickness: 1.4,
        width: 4,
      },
      customdata: values.map((p) => [`${p.k}/${p.n}`, (100 * p.wilson[0]).toFixed(1), (100 * p.wilson[1]).toFixed(1)]),
      hovertemplate: `${name}: %{x:.1f}% (%{customdata[0]}), Wilson 95% [%{customdata[1]}, %{customdata[2]}]<extra></extra>`,
    };
  };
  const annotations: PlotlyObject[] = inputs.rows.map((r, i) => ({
    text: `<b>${r.verdict}</b> p = ${pText(r.fisher.pTwoSided)}<br><span style="color:#666">${r.run.k}/${r.run.n} vs ${r.paper.k}/${r.paper.n}</span>`,
    xref: 'paper',
    yref: 'y',
    x: 1.02,
    y: i,
    xanchor: 'left',
    align: 'left',
    showarrow: false,
    font: { size: 10, color: r.verdict === 'differs' ? COLORS.simulated : '#222' },
  }));
  annotations.push(rightColumnHeading('<b>run vs paper</b>'));
  const top = Math.max(...inputs.rows.flatMap((r) => [r.run.wilson[1], r.paper.wilson[1]]));
  const models = [...new Set(inputs.rows.map((r) => r.model))].map(plotlyText).join(', ');
  const figure: Figure = {
    name: `beside-${inputs.tableId}`,
    title: `This run beside ${inputs.paper}`,
    width: 900,
    // Each row as tall as its label's lines (about 15 px each at 11 px), so labels never run into the next row.
    height: 200 + rowHeight(labels) * inputs.rows.length,
    data: [point('paper'), point('run')],
    layout: {
      ...baseLayout(
        `This run beside ${plotlyText(inputs.paper)} (published counts)`,
        `run: ${models}, ${inputs.complianceSource === 'compliance' ? 'LLM-judge labels' : 'prefix-proxy labels'}; paper: ${plotlyText(inputs.paperModel)}, ${plotlyText(inputs.source)}; ` +
          `95% Wilson intervals; Fisher's exact test of run vs paper per tier, two-sided, α = ${inputs.alpha}, not adjusted ("consistent": no difference found, not shown equal)`,
      ),
      xaxis: { title: { text: 'complied (%)' }, range: [0, Math.min(100, 100 * top * 1.08 + 2)], ticksuffix: '%', gridcolor: COLORS.grid, zeroline: false },
      yaxis: { tickmode: 'array', tickvals: y, ticktext: labels, range: [labels.length - 0.5, -0.5], automargin: true, tickfont: { size: 11 }, showgrid: false, zeroline: false },
      annotations,
      margin: { l: 20, r: 150, t: 110, b: 100 },
      legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom', font: { size: 11 } },
    },
  };
  const fitted = fitTitle(figure, 30);
  return inputs.simulated ? markSimulated(fitted) : fitted;
}

/**
 * The run's records beside every counts table of a paper (`koorndijk-2025`): one figure per table.
 * For a notebook cell: `await view.figures(besidePaperFigures(records, 'koorndijk-2025', { conditionMap }))`.
 */
export function besidePaperFigures(records: SampleRecord[] | FigureAccumulator, paper: string, options: BesideOptions & { dir?: string } = {}): Figure[] {
  const tables = publishedTablesOf(paper, options.dir ?? PUBLISHED_DIR);
  const counted = tables.filter((t): t is PublishedCountsTable => t.kind === 'counts');
  if (counted.length === 0) {
    throw new UserError(`${paper} publishes rates only (${tables.map((t) => t.id).join(', ')}): no counts to test a run against`, 'compare with a paper that prints counts, or add its counts table to data/published/');
  }
  return counted.map((table) => besidePaperFigure(besidePaperInputs(records, table, options)));
}
