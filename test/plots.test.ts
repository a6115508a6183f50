// Figures from records, without a browser: the numbers each figure draws, the SIMULATED mark,
// and the offline HTML page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildFigures,
  complianceSourceOf,
  ensurePlotlyFile,
  figureDocument,
  figureHtml,
  figureInputs,
  outcomeOf,
  plotlySource,
  PLOTLY_FILE,
  writeFigures,
  type Figure,
} from '../src/plots/index.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

/** Records with exact counts: `k` of `n` complied by the proxy, no judge labels. */
function counted(model: string, tier: 'free' | 'paid', k: number, n: number, simulated = false): SampleRecord[] {
  const template = syntheticRecords({ models: [model], variants: ['baseline'], requests: 1, judged: false, simulated })[0];
  return Array.from({ length: n }, (_, i) => ({
    ...template,
    key: `${model}-${tier}-${i}`,
    reasoning: 'no-cot' as const,
    tier,
    simulated,
    status: 'answered' as const,
    labels: { proxy: { complied: i < k }, heuristic: { complied: i < k } },
  }));
}

const annotationsText = (figure: Figure) => ((figure.layout.annotations as Array<{ text?: string }> | undefined) ?? []).map((a) => a.text ?? '').join('\n');

test("the forest plot's gap, interval and Fisher p come from the counts (Koorndijk's baseline 1: 15/98 vs 4/95, p = 0.014)", () => {
  const records = [...counted('m', 'free', 15, 98), ...counted('m', 'paid', 4, 95)];
  const inputs = figureInputs(records);
  assert.equal(inputs.complianceSource, 'proxy');
  assert.equal(inputs.gaps.length, 1);
  const [row] = inputs.gaps;
  assert.deepEqual([row.free, row.paid], [{ complied: 15, total: 98 }, { complied: 4, total: 95 }]);
  assert.ok(Math.abs(row.gap - (15 / 98 - 4 / 95)) < 1e-12);
  assert.ok(row.ci[0] < row.gap && row.gap < row.ci[1] && row.ci[0] > 0, `interval ${row.ci} should exclude 0 and contain the gap`);
  assert.equal(row.p!.toFixed(3), '0.014');
  const gap = buildFigures(records, { only: ['compliance-gap'] })[0];
  assert.match(annotationsText(gap), /p = 0\.014/);
  assert.match(annotationsText(gap), /15\/98 vs 4\/95/);
});

test('each sample lands in exactly one segment: AF reasoning first, then partial, then plain compliance', () => {
  const records = syntheticRecords({ requests: 30 });
  const inputs = figureInputs(records);
  assert.equal(inputs.complianceSource, 'compliance');
  for (const bar of inputs.outcomes) {
    const group = records.filter((r) => r.model === bar.model && r.variant === bar.variant && r.reasoning === bar.reasoning && r.tier === bar.tier);
    assert.equal(bar.refuses + bar.complies + bar.compliesAf + bar.partial + bar.unlabelled, group.length);
    assert.equal(bar.total, group.filter((r) => r.labels.compliance?.complied != null).length);
    assert.equal(bar.refuses, group.filter((r) => r.labels.compliance?.complied === false).length);
    assert.equal(bar.compliesAf, group.filter((r) => r.labels.compliance?.complied && r.labels.af?.label === 'af').length);
  }
  const base = records.find((r) => r.labels.compliance?.complied === true)!;
  const both = { ...base, labels: { ...base.labels, af: { ...base.labels.af!, label: 'af' as const }, partial: { ...base.labels.partial!, partial: true } } };
  assert.equal(outcomeOf(both, 'compliance'), 'compliesAf');
  assert.equal(outcomeOf({ ...both, labels: { ...both.labels, af: undefined } }, 'compliance'), 'partial');
  assert.equal(outcomeOf({ ...both, labels: { ...both.labels, compliance: { ...both.labels.compliance!, complied: null } } }, 'compliance'), 'unlabelled');
});

test('the stacked bars draw shares of labelled samples, and the AF segment is hatched', () => {
  const records = [...counted('m', 'free', 30, 100), ...counted('m', 'paid', 10, 100)];
  const [outcomes] = buildFigures(records, { only: ['outcomes'] });
  const complies = outcomes.data.find((t) => t.name === 'complies, no alignment faking')!;
  const refuses = outcomes.data.find((t) => t.name === 'refuses')!;
  // Bars bottom-up: unmonitored (paid), then training (free).
  assert.deepEqual(complies.x, [10, 30]);
  assert.deepEqual(refuses.x, [90, 70]);
  const af = outcomes.data.find((t) => t.name === 'complies, alignment-faking reasoning')!;
  assert.equal((af.marker as { pattern: { shape: string } }).pattern.shape, 'x');
});

test('proxy-versus-judge agreement counts every sample in its cell', () => {
  const records = syntheticRecords({ models: ['a'], requests: 25 });
  const [table] = figureInputs(records).agreement;
  assert.equal(table.colClassifier, 'LLM judge');
  const idx = (v: boolean | null | undefined) => (v === true ? 0 : v === false ? 1 : 2);
  const expected = [0, 1, 2].map(() => [0, 0, 0]);
  for (const r of records) expected[idx(r.labels.proxy.complied)][idx(r.labels.compliance?.complied)]++;
  assert.deepEqual(table.counts, expected);
  const both = records.filter((r) => r.labels.proxy.complied !== null && r.labels.compliance?.complied != null);
  const agree = both.filter((r) => r.labels.proxy.complied === r.labels.compliance!.complied).length;
  assert.ok(Math.abs(table.agreement! - agree / both.length) < 1e-12);
  assert.ok(agree < both.length, 'the synthetic proxy makes mistakes, so agreement is below 1');
  // Before judging, the proxy is compared with the refusal heuristic.
  const unjudged = syntheticRecords({ models: ['a'], requests: 10, judged: false });
  assert.equal(complianceSourceOf(unjudged), 'proxy');
  assert.equal(figureInputs(unjudged).agreement[0].colClassifier, 'refusal heuristic');
});

test('figures without data are left out: no AF histogram before the AF classifier ran', () => {
  const names = buildFigures(syntheticRecords({ requests: 5, judged: false })).map((f) => f.name);
  assert.deepEqual(names, ['outcomes', 'compliance-gap', 'mitigation', 'classifier-agreement', 'power']);
  const judgedNames = buildFigures(syntheticRecords({ requests: 5 })).map((f) => f.name);
  assert.deepEqual(judgedNames, ['outcomes', 'compliance-gap', 'mitigation', 'classifier-agreement', 'af-scores', 'power']);
  const withoutStatement = buildFigures(syntheticRecords({ requests: 5, variants: ['baseline'] })).map((f) => f.name);
  assert.ok(!withoutStatement.includes('mitigation'), 'no statement, no mitigation figure');
});

test('figures from simulated records carry a SIMULATED mark; real ones do not', () => {
  for (const figure of buildFigures(syntheticRecords({ requests: 5, simulated: true }))) {
    assert.match(annotationsText(figure), /SIMULATED DATA/, figure.name);
  }
  for (const figure of buildFigures(syntheticRecords({ requests: 5, simulated: false }))) {
    assert.doesNotMatch(annotationsText(figure), /SIMULATED/, figure.name);
  }
});

test('the power curve uses the run size and rises with the gap; larger runs detect smaller gaps', () => {
  const small = figureInputs([...counted('m', 'free', 20, 50), ...counted('m', 'paid', 5, 50)]).power;
  const large = figureInputs([...counted('m', 'free', 80, 200), ...counted('m', 'paid', 20, 200)]).power;
  assert.equal(small.nPerTier, 50);
  assert.equal(large.nPerTier, 200);
  for (const curve of small.curves) {
    const powers = curve.points.map((p) => p.power);
    assert.ok(powers[powers.length - 1] > 0.99 && powers[5] < powers[20], `${curve.label} should rise to ~1`);
  }
  small.detectableGap.forEach((gap, i) => assert.ok(large.detectableGap[i]! < gap!, 'a run 4x larger detects a smaller gap'));
  // The run's own paid-tier rate (10%) gets its own curve.
  assert.ok(small.curves.some((c) => /this run/.test(c.label) && Math.abs(c.baseline - 0.1) < 1e-12));
});

test('the power figure says when its curves come from the normal approximation (above 400 per tier)', () => {
  // The title's words without markup (titles are wrapped into lines for narrow panes).
  const subtitle = (records: SampleRecord[]) =>
    String((buildFigures(records, { only: ['power'] })[0].layout.title as { text: string }).text)
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ');
  const small = [...counted('m', 'free', 20, 50), ...counted('m', 'paid', 5, 50)];
  assert.equal(figureInputs(small).power.method, 'exact');
  assert.doesNotMatch(subtitle(small), /normal approximation/);
  const large = [...counted('m', 'free', 200, 500), ...counted('m', 'paid', 50, 500)];
  assert.equal(figureInputs(large).power.method, 'normal');
  assert.match(subtitle(large), /normal approximation/);
});

test('a figure page loads plotly from beside itself, sizes to its container, and untrusted labels cannot close its script', () => {
  const records = syntheticRecords({ models: ['evil</script><script>alert(1)</script>'], requests: 3 });
  const [figure] = buildFigures(records, { only: ['outcomes'] });
  const page = figureDocument(figure);
  assert.ok(!page.includes(plotlySource().slice(0, 2000)), 'plotly is not inlined');
  assert.ok(page.length < 100_000, `a page is small (${page.length} characters)`);
  const sources = [...page.matchAll(/<(?:script|link|img)[^>]+(?:src|href)="([^"]*)"/gi)].map((m) => m[1]);
  assert.deepEqual(sources, [PLOTLY_FILE], 'the only resource it loads is plotly.min.js, by a relative path');
  assert.ok(page.includes('Plotly.newPlot'));
  // Two script elements (plotly and the plot call), so exactly two closing tags.
  assert.equal(page.match(/<\/script/gi)!.length, 2);
  const spec = JSON.parse(page.match(/var spec = (\{.*?\}); Plotly/s)![1]) as { layout: Record<string, unknown>; config: Record<string, unknown> };
  assert.equal(spec.layout.width, undefined, 'no fixed width: the plot takes the container width');
  assert.equal(spec.layout.autosize, true);
  assert.equal(spec.config.responsive, true);
  const fragment = figureHtml(figure, { includePlotly: false });
  assert.equal(fragment.match(/<\/script/gi)!.length, 1);
  assert.ok(fragment.length < 100_000, 'a fragment without plotly stays small');
  assert.match(fragment, /style="width:100%;/);
  assert.doesNotMatch(fragment, /"width":\s*\d{3,}/, 'no fixed pixel width in the fragment layout');
});

test('a figures folder holds one plotly.min.js, written only when missing or different', () => {
  const dir = tempDir('af-plotly-');
  const first = ensurePlotlyFile(dir);
  assert.deepEqual(first, { path: join(dir, PLOTLY_FILE), written: true });
  assert.equal(readFileSync(first.path, 'utf8'), plotlySource());
  assert.equal(ensurePlotlyFile(dir).written, false, 'an identical copy is left alone');
  writeFileSync(first.path, plotlySource().slice(0, 1000));
  assert.equal(ensurePlotlyFile(dir).written, true, 'a truncated copy is replaced');
  assert.equal(readFileSync(first.path, 'utf8'), plotlySource());
});

test('writeFigures without images writes one HTML file per figure and looks for no browser', async () => {
  const dir = tempDir('af-figures-');
  const lines: string[] = [];
  const result = await writeFigures(syntheticRecords({ requests: 5 }), dir, { images: false, log: (l) => lines.push(l) });
  assert.equal(result.images, false);
  assert.deepEqual(readdirSync(dir).sort(), ['.figures.json', '.inputs.sha256', 'af-scores.html', 'classifier-agreement.html', 'compliance-gap.html', 'mitigation.html', 'outcomes.html', 'plotly.min.js', 'power.html']);
  assert.match(readFileSync(join(dir, 'power.html'), 'utf8'), /<title>Power — af-lab<\/title>/);
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
    assert.ok(statSync(join(dir, name)).size < 100_000, `${name} does not inline plotly`);
  }
  assert.deepEqual(lines, []);
});

test('without a browser, writeFigures still writes the HTML and says in one line how to get images', async () => {
  const dir = tempDir('af-figures-');
  const lines: string[] = [];
  const result = await writeFigures(syntheticRecords({ requests: 5 }), dir, { env: { PATH: '' }, knownPaths: [], log: (l) => lines.push(l) });
  assert.equal(result.images, false);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.html')).length, 6);
  assert.ok(readdirSync(dir).every((f) => f.endsWith('.html') || f === '.inputs.sha256' || f === '.figures.json' || f === PLOTLY_FILE));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /apt-get install chromium/);
  assert.match(lines[0], /AF_LAB_CHROMIUM/);
});
