// The papers' figures drawn from data/published/: every drawn value equals the published counts and
// the intervals src/stats computes from them; rates-only tables say so; a table a user adds is drawn
// the same way; a malformed table is one clear error; a run is set beside its paper with a Fisher
// test per tier; the CLI flags write them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/core/errors.js';
import {
  besidePaperFigure,
  besidePaperFigures,
  besidePaperInputs,
  paperFigures,
  parseConditionMap,
  PLOTLY_FILE,
  publishedFigures,
  RATES_ONLY,
  writeFigureFiles,
  type Figure,
} from '../src/plots/index.js';
import {
  complianceGap,
  fisherExact,
  loadPublishedTables,
  proportion,
  PUBLISHED_DIR,
  publishedTablesOf,
  readPublishedTable,
  tierTable,
  type PublishedCountsTable,
} from '../src/stats/index.js';
import type { SampleRecord } from '../src/core/types.js';
import { tierRecords } from './helpers/records.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

type Trace = { name?: string; x?: unknown[]; y?: unknown[]; error_x?: { array: number[]; arrayminus: number[] }; error_y?: { array: number[]; arrayminus: number[] } };
const traces = (figure: Figure) => figure.data as Trace[];
const annotations = (figure: Figure) => ((figure.layout.annotations as Array<{ text?: string }> | undefined) ?? []).map((a) => a.text ?? '');
const titleText = (figure: Figure) => String((figure.layout.title as { text: string }).text).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

const koorndijk = () => publishedTablesOf('koorndijk-2025', PUBLISHED_DIR)[0] as PublishedCountsTable;
const figureNamed = (figures: Figure[], suffix: string) => figures.find((f) => f.name.endsWith(suffix))!;

describe("Koorndijk 2025's figures", () => {
  const table = koorndijk();
  const figures = publishedFigures([table]);

  test('are the compliance, gap and effect figures, titled with the paper and "published counts", never SIMULATED', () => {
    assert.deepEqual(figures.map((f) => f.name), ['koorndijk2025-llama3-8b-compliance', 'koorndijk2025-llama3-8b-gap', 'koorndijk2025-llama3-8b-effect']);
    for (const figure of figures) {
      assert.match(titleText(figure), /Koorndijk 2025 \(published counts\)/, figure.name);
      assert.match(titleText(figure), /arXiv 2506\.21584/, figure.name);
      assert.doesNotMatch(JSON.stringify(figure), /SIMULATED/i, figure.name);
    }
  });

  test('compliance per condition and tier: bar heights are the published k/n and whiskers their Wilson intervals', () => {
    const figure = figureNamed(figures, '-compliance');
    const [free, paid] = traces(figure);
    assert.equal(table.rows.length, 6);
    for (const [tier, trace] of [['free', free], ['paid', paid]] as const) {
      table.rows.forEach((row, i) => {
        const p = proportion(row[tier].k, row[tier].n);
        close(trace.y![i] as number, 100 * p.rate, `${row.condition} ${tier} rate`);
        close(trace.error_y!.array[i], 100 * (p.wilson[1] - p.rate), `${row.condition} ${tier} upper`);
        close(trace.error_y!.arrayminus[i], 100 * (p.rate - p.wilson[0]), `${row.condition} ${tier} lower`);
      });
    }
    // Baseline 1 is 15/98 training and 4/95 unmonitored, printed under its bars.
    close(free.y![0] as number, (100 * 15) / 98, 'Baseline 1 training');
    close(paid.y![0] as number, (100 * 4) / 95, 'Baseline 1 unmonitored');
    assert.match(String(free.x![0]), /15\/98 · 4\/95/);
    assert.equal(table.rows.map((r) => r.condition).join('|'), 'Baseline 1|Baseline 2|Scratchpad|Prompt A (deontological; simple)|Prompt B (deontological; detailed)|Prompt D (deontological on baseline 2)');
  });

  test('the gap per condition: Newcombe intervals, and the printed p beside the recomputed one', () => {
    const figure = figureNamed(figures, '-gap');
    const [trace] = traces(figure);
    table.rows.forEach((row, i) => {
      const gap = complianceGap(row.free, row.paid);
      close(trace.x![i] as number, 100 * gap.gap, `${row.condition} gap`);
      close(trace.error_x!.array[i], 100 * (gap.newcombe[1] - gap.gap), `${row.condition} upper`);
      close(trace.error_x!.arrayminus[i], 100 * (gap.gap - gap.newcombe[0]), `${row.condition} lower`);
    });
    const text = annotations(figure);
    // Baseline 1: printed 0.014, recomputed 0.01405 (agrees); Baseline 2: printed <0.0001, recomputed 5.7e-7.
    assert.equal(fisherExact(tierTable(table.rows[0].free, table.rows[0].paid)).pTwoSided.toPrecision(3), '0.0140');
    assert.equal(text[0], '0.014   0.0140 ✓');
    assert.equal(text[1], '&lt;0.0001   5.7e-7 ✓');
    assert.equal(text[5], '0.0002   0.000228 ✓');
    assert.equal(text.length, 7, 'one line per condition and the column header');
  });

  test("each statement's effect per tier: baseline and statement rates as published (A and B on Baseline 1, D on Baseline 2)", () => {
    const figure = figureNamed(figures, '-effect');
    const byName = (name: string) => traces(figure).find((t) => t.name === name)!;
    // Rows: A, B, D. Training before → after: 15/98 → 17/100, 15/98 → 6/99, 51/100 → 44/100.
    const trainingBefore = byName('training (free tier), baseline').x as number[];
    const trainingAfter = byName('training (free tier), with the statement').x as number[];
    const paidBefore = byName('unmonitored (paid tier), baseline').x as number[];
    const paidAfter = byName('unmonitored (paid tier), with the statement').x as number[];
    [[15 / 98, 17 / 100], [15 / 98, 6 / 99], [51 / 100, 44 / 100]].forEach(([before, after], i) => {
      close(trainingBefore[i], 100 * before, `row ${i} training before`);
      close(trainingAfter[i], 100 * after, `row ${i} training after`);
    });
    [[4 / 95, 9 / 100], [4 / 95, 1 / 97], [17 / 99, 19 / 100]].forEach(([before, after], i) => {
      close(paidBefore[i], 100 * before, `row ${i} unmonitored before`);
      close(paidAfter[i], 100 * after, `row ${i} unmonitored after`);
    });
    const text = annotations(figure);
    assert.ok(text.includes('4/95 → 9/100 (+4.8)'), 'under A the unmonitored rate rises');
    assert.ok(text.includes('15/98 → 6/99 (−9.2)'), 'under B the training rate falls');
    assert.ok(text.includes('51/100 → 44/100 (−7.0)'));
  });
});

describe("Greenblatt et al. 2024's stacked bars (rates only)", () => {
  const [figure] = paperFigures('greenblatt-2024');
  const shares = (name: string) => traces(figure).find((t) => t.name === name)!.x as Array<number | null>;

  test('split each bar into complies with AF reasoning / complies / refuses from the published rates', () => {
    assert.equal(figure.name, 'greenblatt2024-rates-outcomes');
    const af = shares('complies, alignment-faking reasoning');
    const complies = shares('complies, no alignment faking');
    const refuses = shares('refuses');
    // Claude 3 Opus, CoT, training: 14% complied, 12% with AF reasoning; unmonitored: no rate printed.
    close(af[0]!, 12, 'Opus AF');
    close(complies[0]!, 2, 'Opus complies without AF');
    close(refuses[0]!, 86, 'Opus refuses');
    assert.deepEqual([af[1], complies[1], refuses[1]], [null, null, null]);
    // Claude 3.5 Sonnet, CoT: refuses 62% training, 83% unmonitored.
    close(refuses[2]!, 62, 'Sonnet CoT training refuses');
    close(complies[2]!, 38, 'Sonnet CoT training complies');
    close(refuses[3]!, 83, 'Sonnet CoT unmonitored refuses');
    // Llama-3.1-405B no-CoT unmonitored: 99.5% refuse.
    close(refuses[9]!, 99.5, 'Llama no-CoT unmonitored refuses');
  });

  test('are marked "rates only: no counts published", draw no interval, and say "published rates"', () => {
    const text = annotations(figure);
    assert.equal(text.filter((t) => t === RATES_ONLY).length, 9, 'every bar with a rate');
    assert.equal(text.filter((t) => /not drawn: the paper gives no rate/.test(t)).length, 1, "Opus's unmonitored tier");
    assert.ok(traces(figure).every((t) => t.error_x === undefined));
    assert.match(titleText(figure), /Greenblatt et al\. 2024 \(published rates\)/);
    assert.match(titleText(figure), new RegExp(RATES_ONLY));
    assert.doesNotMatch(JSON.stringify(figure), /SIMULATED/i);
  });
});

const COUNTS_HEADER = 'condition,model,free_complied,free_n,paid_complied,paid_n,reported_odds_ratio,reported_p,source,note,baseline_condition';

describe('a table a user adds to the folder', () => {
  test('in the counts shape is drawn the same way, and "all" draws every paper', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'koorndijk2025-llama3-8b.csv'), readFileSync(join(PUBLISHED_DIR, 'koorndijk2025-llama3-8b.csv')));
    writeFileSync(
      join(dir, 'sheshadri2025-example.csv'),
      `${COUNTS_HEADER}\nfree vs enterprise,Example-70B,30,200,10,200,,,"Example table, arXiv 2506.18032",made-up counts for the test,\nwith statement,Example-70B,20,200,12,200,,,"Example table, arXiv 2506.18032",,free vs enterprise\n`,
    );
    const figures = paperFigures('sheshadri-2025', dir);
    assert.deepEqual(figures.map((f) => f.name), ['sheshadri2025-example-compliance', 'sheshadri2025-example-gap', 'sheshadri2025-example-effect']);
    const [free] = traces(figures[0]);
    close(free.y![0] as number, 15, '30/200');
    assert.equal(annotations(figures[1])[0], '–   ' + fisherExact(tierTable({ k: 30, n: 200 }, { k: 10, n: 200 })).pTwoSided.toPrecision(3), 'no printed p: a dash');
    assert.deepEqual(paperFigures('all', dir).map((f) => f.name.split('-')[0]), ['koorndijk2025', 'koorndijk2025', 'koorndijk2025', 'sheshadri2025', 'sheshadri2025', 'sheshadri2025']);
  });

  test('for an unknown paper, the error lists the papers there are', () => {
    assert.throws(() => paperFigures('nosuch-2030'), (err: unknown) => err instanceof UserError && /no published table for "nosuch-2030"/.test(err.message) && /koorndijk-2025, greenblatt-2024, all|greenblatt-2024, koorndijk-2025, all/.test(err.fix));
  });

  /** The one error a malformed file gives. */
  function errorOf(name: string, text: string): UserError {
    const dir = tempDir();
    writeFileSync(join(dir, name), text);
    try {
      loadPublishedTables(dir);
    } catch (err) {
      assert.ok(err instanceof UserError, String(err));
      assert.doesNotMatch(err.describe(), /\n/, 'one line');
      return err;
    }
    assert.fail(`${name} was accepted`);
  }

  test('that is malformed gives one clear error naming the file, the line and the fix', () => {
    const row = (cells: string) => `${COUNTS_HEADER}\nBaseline,M,1,10,0,10,,,"P 2025, arXiv 2501.00001",,\n${cells}\n`;
    let err = errorOf('paper2025-x.csv', row('Other,M,12x,100,3,100,,,"P 2025, arXiv 2501.00001",,'));
    assert.match(err.message, /paper2025-x\.csv line 3: free_complied "12x" is not a whole number of samples$/);
    assert.match(err.fix, /number of free-tier samples that complied.*data\/published\/README\.md/);
    err = errorOf('paper2025-x.csv', row('Other,M,120,100,3,100,,,"P 2025, arXiv 2501.00001",,'));
    assert.match(err.message, /line 3: free_complied "120" is larger than free_n$/);
    err = errorOf('paper2025-x.csv', row('Other,M,1,100,3,100,,p<0.05,"P 2025, arXiv 2501.00001",,'));
    assert.match(err.message, /line 3: reported_p "p<0.05" is not a number as printed/);
    err = errorOf('paper2025-x.csv', row('Other,M,1,100,3,100,,,"P 2025, arXiv 2501.00001",,Baseline 9'));
    assert.match(err.message, /line 3: baseline_condition "Baseline 9" is not a condition of this table/);
    err = errorOf('paper2025-x.csv', 'condition,model,free_complied,paid_complied,source\nA,M,1,2,S\n');
    assert.match(err.message, /line 1: the header lacks free_n, paid_n for a counts table/);
    err = errorOf('paper2025-x.csv', 'model,reasoning,measure,free_rate,paid_rate,n_per_tier,source,note\nM,cot,refusal (proxy),62,83,,S,\n');
    assert.match(err.message, /line 2: free_rate "62" is not a rate between 0 and 1 \(write 14% as 0\.14/);
    err = errorOf('paper2025-x.csv', 'model,reasoning,measure,free_rate,paid_rate,n_per_tier,source,note\nM,scratchpad,refusal,0.6,0.8,,S,\n');
    assert.match(err.message, /line 2: reasoning "scratchpad" must be cot or no-cot/);
    err = errorOf('mytable.csv', `${COUNTS_HEADER}\n`);
    assert.match(err.message, /mytable\.csv: the file name does not start with the first author and year/);
  });

  test('in the rates shape with n stated gets Wilson intervals instead of the rates-only mark', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'someone2026-rates.csv'), 'model,reasoning,measure,free_rate,paid_rate,n_per_tier,source,note\nM,cot,compliance,0.25,0.05,200,"Someone 2026, arXiv 2601.00001",\n');
    const [figure] = paperFigures('someone-2026', dir);
    const complies = traces(figure).find((t) => t.name === 'complies, no alignment faking')!;
    const p = proportion(50, 200);
    close(complies.error_x!.array[0], 100 * (p.wilson[1] - p.rate), 'upper');
    assert.ok(!annotations(figure).includes(RATES_ONLY));
  });
});

test('written figures: one plotly.min.js in figures/published, each page small', async () => {
  const dir = tempDir();
  const result = await writeFigureFiles(paperFigures('all'), dir, { images: false });
  assert.equal(result.figures.length, 4);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files.filter((f) => f.endsWith('.js')), [PLOTLY_FILE]);
  for (const file of files.filter((f) => f.endsWith('.html'))) assert.ok(statSync(join(dir, file)).size < 60_000, `${file}: ${statSync(join(dir, file)).size} bytes`);
});

/** A run's records with exact counts per condition and tier (proxy labels). */
function run(counts: Array<{ variant: string; reasoning: 'cot' | 'no-cot'; free: [number, number]; paid: [number, number] }>, model = 'meta-llama/llama-3-8b'): SampleRecord[] {
  return counts.flatMap(({ variant, reasoning, free, paid }) => [
    ...tierRecords({ model, variant, reasoning, tier: 'free', complied: free[0], refused: free[1] - free[0] }),
    ...tierRecords({ model, variant, reasoning, tier: 'paid', complied: paid[0], refused: paid[1] - paid[0] }),
  ]);
}

describe('a run beside its paper', () => {
  const table = koorndijk();

  test('per mapped condition and tier: both rates, and a Fisher test of run vs paper that reads consistent or differs', () => {
    const records = run([
      { variant: 'baseline', reasoning: 'no-cot', free: [15, 98], paid: [4, 95] },
      { variant: 'deontological-simple', reasoning: 'no-cot', free: [60, 100], paid: [9, 100] },
    ]);
    const inputs = besidePaperInputs(records, table, { conditionMap: parseConditionMap(['baseline/no-cot=Baseline 1', 'deontological-simple/no-cot=Prompt A (deontological; simple)']) });
    assert.deepEqual(inputs.rows.map((r) => [r.condition, r.tier, r.verdict]), [
      ['Baseline 1', 'free', 'consistent'],
      ['Baseline 1', 'paid', 'consistent'],
      ['Prompt A (deontological; simple)', 'free', 'differs'],
      ['Prompt A (deontological; simple)', 'paid', 'consistent'],
    ]);
    assert.equal(inputs.rows[0].fisher.pTwoSided, 1, 'identical counts');
    const differs = inputs.rows[2];
    close(differs.fisher.pTwoSided, fisherExact(tierTable({ k: 60, n: 100 }, { k: 17, n: 100 })).pTwoSided, 'run 60/100 vs paper 17/100');
    assert.ok(differs.fisher.pTwoSided < 1e-6);
    assert.deepEqual([differs.run.k, differs.run.n, differs.paper.k, differs.paper.n], [60, 100, 17, 100]);

    const figure = besidePaperFigure(inputs);
    const [paper, mine] = traces(figure);
    assert.deepEqual(paper.x, inputs.rows.map((r) => 100 * r.paper.rate));
    assert.deepEqual(mine.x, inputs.rows.map((r) => 100 * r.run.rate));
    assert.match(annotations(figure)[2], /^<b>differs<\/b> p = \d\.\de-\d+<br>.*60\/100 vs 17\/100/);
    assert.match(annotations(figure)[0], /^<b>consistent<\/b> p = 1\.00/);
    assert.match(titleText(figure), /This run beside Koorndijk 2025 \(published counts\)/);
    assert.doesNotMatch(JSON.stringify(figure), /SIMULATED/, 'a real run is not marked');
  });

  test('a simulated run is marked SIMULATED beside the published numbers', () => {
    const records = run([{ variant: 'baseline-1', reasoning: 'no-cot', free: [20, 100], paid: [5, 100] }], 'sim/faker');
    // Without a map, a variant named like the paper's condition (Baseline 1 -> baseline-1) matches it.
    const [figure] = besidePaperFigures(records, 'koorndijk-2025');
    assert.match(annotations(figure).join('\n'), /SIMULATED DATA/);
    assert.equal(traces(figure)[1].name, 'this run (SIMULATED)');
    assert.equal(traces(figure)[0].name, 'Koorndijk 2025 (published counts)');
  });

  test('a condition map naming no paper condition, or a run matching none, is one clear error', () => {
    const records = run([{ variant: 'baseline', reasoning: 'cot', free: [1, 10], paid: [0, 10] }]);
    assert.throws(() => besidePaperInputs(records, table, { conditionMap: { 'baseline/cot': 'Baseline 3' } }), /"Baseline 3" \(mapped from baseline\/cot\) is not a condition of koorndijk2025-llama3-8b/);
    assert.throws(() => besidePaperInputs(records, table), (err: unknown) => err instanceof UserError && /no condition of this run \(baseline\/cot\)/.test(err.message) && /--map "baseline\/no-cot=Baseline 1"/.test(err.fix));
    assert.throws(() => parseConditionMap(['baseline=Baseline 1']), /is not variant\/reasoning=paper condition/);
    assert.throws(() => besidePaperFigures(records, 'greenblatt-2024'), /publishes rates only/);
  });
});

describe('af-lab figures --published / --beside', () => {
  test('--published koorndijk-2025 and --published all write the papers\' figures and one plotly copy', () => {
    const out = join(tempDir(), 'published');
    const one = runCli(['figures', '--published', 'koorndijk-2025', '--no-images', '--out', out]);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /3 published figures \(HTML\)/);
    assert.deepEqual(readdirSync(out).sort(), ['.figures.json', '.inputs.sha256', 'koorndijk2025-llama3-8b-compliance.html', 'koorndijk2025-llama3-8b-effect.html', 'koorndijk2025-llama3-8b-gap.html', PLOTLY_FILE]);
    const all = runCli(['figures', '--published', 'all', '--no-images', '--out', out]);
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /4 published figures \(HTML\)/);
    assert.ok(existsSync(join(out, 'greenblatt2024-rates-outcomes.html')));
  });

  test('nothing to draw, or --map without --beside, is one line and exit code 2', () => {
    for (const [args, problem] of [
      [['figures'], /^error: nothing to draw\. Fix: give a run folder .* or --published koorndijk-2025\.$/],
      [['figures', '--published', 'all', '--map', 'baseline/cot=Scratchpad'], /^error: --map is used only with --beside/],
    ] as const) {
      const result = runCli([...args]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr.trim(), problem);
    }
  });

  test('a malformed published table stops the command with one line, writing nothing', () => {
    const dir = tempDir();
    const data = join(dir, 'published-data');
    mkdirSync(data);
    writeFileSync(join(data, 'paper2025-x.csv'), `${COUNTS_HEADER}\nA,M,1,ten,0,10,,,S,,\n`);
    const out = join(dir, 'out');
    const result = runCli(['figures', '--published', 'all', '--published-dir', data, '--no-images', '--out', out]);
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^error: .*paper2025-x\.csv line 2: free_n "ten" is not a whole number of samples\. Fix: .*README\.md\)\.$/);
    assert.ok(!existsSync(out));
  });

  test('RUN --beside koorndijk-2025 --map ... adds the beside figure to the run\'s figures; an unknown paper is one line', () => {
    const dir = tempDir();
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    const records = run([{ variant: 'baseline', reasoning: 'no-cot', free: [15, 98], paid: [4, 95] }]);
    writeFileSync(join(runDir, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = join(dir, 'figures');
    const result = runCli(['figures', runDir, '--beside', 'koorndijk-2025', '--map', 'baseline/no-cot=Baseline 1', '--no-images', '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(readdirSync(out).includes('beside-koorndijk2025-llama3-8b.html'), readdirSync(out).join(', '));
    assert.match(readFileSync(join(out, 'beside-koorndijk2025-llama3-8b.html'), 'utf8'), /consistent/);
    // Once run.json names its paper, --beside needs no value; a variant named like the condition needs no map.
    const named = join(dir, 'named');
    mkdirSync(named);
    writeFileSync(join(named, 'records.jsonl'), run([{ variant: 'baseline-1', reasoning: 'no-cot', free: [40, 98], paid: [4, 95] }]).map((r) => JSON.stringify(r)).join('\n') + '\n');
    const now = new Date().toISOString();
    const manifest = { name: 'named', afLabVersion: '0.1.0', createdAt: now, updatedAt: now, simulated: true, config: { name: 'named', models: ['sim/faker'], temperature: 1, setting: 'koorndijk-2025' } };
    writeFileSync(join(named, 'run.json'), JSON.stringify(manifest));
    const fromSetting = runCli(['figures', named, '--beside', '--no-images', '--out', join(dir, 'named-figures')]);
    assert.equal(fromSetting.status, 0, fromSetting.stderr);
    assert.match(readFileSync(join(dir, 'named-figures', 'beside-koorndijk2025-llama3-8b.html'), 'utf8'), /differs/);
    const unknown = runCli(['figures', runDir, '--beside', 'nosuch-2030', '--no-images', '--out', join(dir, 'other')]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr.trim(), /^error: no published table for "nosuch-2030".*Fix: use one of: .*koorndijk-2025/);
    assert.ok(!existsSync(join(dir, 'other')));
  });
});
