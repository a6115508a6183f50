// In a real headless Chromium (found the way af-lab finds it): the report filters and counts, planted
// markup stays text, figure pages draw offline, and rendered PNG/SVG images are the right size and
// not blank. Skipped, with the reason, only when no browser is installed; CI installs chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium, NO_BROWSER_HINT } from '../src/browser/index.js';
import { besidePaperFigures, buildFigures, FigureRenderer, figureHtml, figureInputs, paperFigures, plotlySource, writeFigureFiles, writeFigures, type Figure } from '../src/plots/index.js';
import { notebookView } from '../src/notebook/view.js';
import { writeReport } from '../src/report/index.js';
import { reportDataDir, type WriteReportOptions } from '../src/report/write.js';
import { reportRow } from '../src/report/rows.js';
import { parseSearchQuery, rowMatchesSearch, searchWords, type SearchDirectory } from '../src/report/searchIndex.js';
import { indexFilesFor, searchRecords } from './helpers/searchRecords.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

/** A paged report's search directory (search.js). */
function searchDirectory(reportFile: string): SearchDirectory {
  const text = readFileSync(join(reportDataDir(reportFile), 'search.js'), 'utf8');
  return JSON.parse(/^afReportSearchIndex\((.*)\);\n$/s.exec(text)![1]) as SearchDirectory;
}

const executable = findChromium();
const skip = executable ? false : `skipped: ${NO_BROWSER_HINT}`;
if (!executable) console.log(`# browser tests ${skip}`);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Standard deviation of the pixel luminance, measured by drawing the PNG on a canvas. */
async function pixelSpread(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (dataUrl) => {
    const img = new Image();
    img.src = dataUrl;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    let sum = 0;
    let sumSq = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      sum += y;
      sumSq += y * y;
    }
    return Math.sqrt(sumSq / n - (sum / n) ** 2);
  }, `data:image/png;base64,${png.toString('base64')}`);
}

describe('in a real browser', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  async function openReport(records: SampleRecord[], options: WriteReportOptions = {}): Promise<{ page: Page; errors: string[]; file: string }> {
    const file = writeReport(records, join(tempDir('af-report-'), 'report.html'), options);
    const page = await browser.newPage();
    page.setDefaultTimeout(scaled(30_000));
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    page.on('dialog', (dialog) => {
      errors.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { afReportReady?: unknown }).afReportReady);
    return { page, errors, file };
  }

  const count = async (page: Page) => Number(await page.getAttribute('#count', 'data-count'));
  // A paged report draws a page's cards once its chunk has loaded (#list carries data-loading until then).
  const cards = async (page: Page) => {
    await page.waitForFunction(() => !document.querySelector('#list[data-loading]'));
    return page.locator('article.card').count();
  };

  for (const [layout, options] of [['one self-contained file', {}], ['paged into side files (10 chunks)', { inlineLimit: 100, chunkSize: 64 }]] as const) test(`the report (${layout}) shows every transcript, and each filter narrows the count to the matching records`, async () => {
    const records = syntheticRecords({ requests: 40 });
    const { page, errors } = await openReport(records, options);
    assert.equal(await count(page), records.length);
    assert.equal(await cards(page), 10, 'the first 10 cards of a page of 50 are drawn');
    for (const drawn of [20, 30, 40, 50]) {
      await page.click('#more');
      assert.equal(await cards(page), drawn, '"show more" draws 10 more');
    }
    assert.equal(await page.isHidden('#more'), true, 'the whole page of 50 is drawn');
    assert.deepEqual(await page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), records.slice(0, 50).map((r) => r.key));
    // The report's summary table counts compliance exactly as the forest plot (and summary.csv) do.
    const summaryCells = await page.locator('#summary tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    for (const row of figureInputs(records).gaps) {
      const label = `${row.model} · ${row.variant} · ${row.reasoning === 'cot' ? 'CoT' : 'no CoT'}`;
      const cells = summaryCells.find((c) => c[0] === label);
      assert.ok(cells, label);
      assert.ok(cells[1]!.startsWith(`${row.free.complied}/${row.free.total} `), `${label}: ${cells[1]}`);
      assert.ok(cells[2]!.startsWith(`${row.paid.complied}/${row.paid.total} `), `${label}: ${cells[2]}`);
    }

    await page.selectOption('#f-tier', 'free');
    assert.equal(await count(page), records.filter((r) => r.tier === 'free').length);

    await page.selectOption('#f-model', 'sim/no-gap');
    await page.selectOption('#f-reasoning', 'cot');
    await page.selectOption('#f-label', 'af');
    const af = records.filter((r) => r.tier === 'free' && r.model === 'sim/no-gap' && r.reasoning === 'cot' && r.labels.af?.label === 'af');
    assert.ok(af.length > 0);
    assert.equal(await count(page), af.length);
    assert.equal(await cards(page), Math.min(10, af.length));
    const keys = await page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    assert.deepEqual(keys, af.slice(0, 10).map((r) => r.key));

    // Disagreement between the prefix proxy and the judge: the proxy's errors, ready to read.
    await page.selectOption('#f-model', '');
    await page.selectOption('#f-reasoning', '');
    await page.selectOption('#f-tier', '');
    await page.selectOption('#f-label', '');
    await page.selectOption('#f-disagree', 'proxy-judge');
    const disagree = records.filter((r) => r.labels.proxy.complied !== null && r.labels.compliance?.complied != null && r.labels.proxy.complied !== r.labels.compliance.complied);
    assert.ok(disagree.length > 0);
    assert.equal(await count(page), disagree.length);
    assert.deepEqual(errors, []);
    await page.close();
  });
  test('a paged report keeps its texts out of the page, loads a chunk per page shown, and for a text search its word index, not every chunk', async () => {
    const records = syntheticRecords({ requests: 40 });
    const planted = 'a phrase found in one transcript only';
    records[600].finalOutput = planted;
    const dir = tempDir('af-report-');
    const file = writeReport(records, join(dir, 'report.html'), { inlineLimit: 100, chunkSize: 64 });
    const html = readFileSync(file, 'utf8');
    assert.ok(!html.includes(records[0].request.text), 'no transcript text in the page itself');
    assert.ok(html.length < 100_000);
    assert.deepEqual(readdirSync(join(dir, 'report.data')).length, 13, 'index.js, 10 chunks, search.js and one search shard');
    const page = await browser.newPage();
    page.setDefaultTimeout(scaled(30_000));
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    const loaded: string[] = [];
    page.on('request', (request) => { if (request.url().includes('report.data/')) loaded.push(request.url().replace(/.*report\.data\//, '')); });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { afReportReady?: unknown }).afReportReady);
    assert.deepEqual(loaded.sort(), ['chunk-0.js', 'index.js']);
    await page.click('#next');
    await page.waitForFunction(() => !document.querySelector('#list[data-loading]') && document.getElementById('page')?.textContent?.startsWith('page 2'));
    const keys = await page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    assert.deepEqual(keys, records.slice(50, 60).map((r) => r.key));
    loaded.length = 0;
    await page.fill('#f-text', planted);
    await page.waitForFunction(() => document.getElementById('count')?.getAttribute('data-count') === '1');
    assert.equal(await cards(page), 1);
    assert.equal(await page.locator('article.card').first().getAttribute('data-key'), records[600].key);
    assert.deepEqual(loaded.sort(), ['chunk-9.js', 'search-0.js', 'search.js'], 'the index, and the one chunk its match is in');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('text search finds exactly the transcripts the rule picks, in both layouts, typed key by key; a key reads at most one index file and draws at most 10 cards', async () => {
    const records = [...searchRecords({ count: 1_500, vocabulary: 2_000, scratchpadWords: 80 })];
    records[7].finalOutput = 'I will COMPLY with <request_fully_accepted/> naïve 训练 <img src=x onerror="window.pwned = 1"></script><b>bold</b>';
    const rows = records.map(reportRow);
    const expected = (query: string) => records.filter((_, i) => rowMatchesSearch(rows[i], query)).map((r) => r.key);
    // Quoted phrases: three words in a row of one transcript's scratchpad, the same words out of order,
    // a quote left open, and one across a tag.
    const [w1, w2, w3] = searchWords(rows[3].scratchpad!).slice(5, 8);
    const phrases = [`"${w1} ${w2} ${w3}"`, `"${w3} ${w1}"`, `"${w1} ${w2.slice(0, 2)}`, 'naïve "comply with request fully"'];
    assert.ok(expected(phrases[0]).length > 0 && expected(phrases[3]).length === 1);
    assert.ok(expected(phrases[1]).length < expected(`${w3} ${w1}`).length, 'the phrase is checked, not only its words');
    const queries = ['k', 'ka', 'kato', 'Kato re', 'comply accepted', 'NAÏVE 训', 'onerror pwned', 'zzzqqq', '<!>', 'request_fully', ...phrases, ''];
    const shardBytes = 2_048;
    for (const [layout, options] of [['self-contained', {}], ['paged', { inlineLimit: 100, chunkSize: 20, searchShardBytes: shardBytes }]] as const) {
      const { page, errors, file } = await openReport(records, options);
      const loaded: string[] = [];
      page.on('request', (request) => { if (request.url().includes('.data/')) loaded.push(request.url().replace(/.*\.data\//, '')); });
      const directory = layout === 'paged' ? searchDirectory(file) : null;
      if (directory) assert.ok(directory.first.length > 20 && directory.prefixes.length > 20, `the test's index has ${directory.first.length} shards, ${directory.prefixes.length} prefix files`);
      const settled = () => page.waitForFunction(() => !document.body.hasAttribute('data-searching') && !document.querySelector('#list[data-loading]'));
      for (const query of queries) {
        await page.fill('#f-text', '');
        await settled();
        // Key by key, as a user types: each keystroke searches, reads at most the index file of the
        // word being typed, and draws at most 10 cards (a chunk each at most).
        for (let k = 1; k <= query.length; k++) {
          loaded.length = 0;
          await page.locator('#f-text').pressSequentially(query[k - 1]);
          await settled();
          const typed = query.slice(0, k);
          assert.ok(await cards(page) <= 10, `"${typed}"`);
          if (!directory) continue;
          const indexRead = loaded.filter((name) => name.startsWith('search-'));
          const may = new Set(searchWords(typed).flatMap((word) => indexFilesFor(directory, word)));
          assert.ok(indexRead.length <= 1 && indexRead.every((name) => may.has(name)), `"${typed}" read ${indexRead.join(' ')}`);
          // A phrase also reads the chunks of its candidates (the rows its words begin words of), to check it.
          const candidateChunks = parseSearchQuery(typed).phrases.length === 0 ? 0 : new Set(rows.flatMap((row, i) => (rowMatchesSearch(row, searchWords(typed).join(' ')) ? [Math.floor(i / 20)] : []))).size;
          assert.ok(loaded.filter((name) => name.startsWith('chunk-')).length <= 10 + candidateChunks, `"${typed}" read ${loaded.join(' ')}`);
        }
        const keys = expected(query);
        assert.equal(await count(page), keys.length, `${layout}: "${query}"`);
        assert.equal(await cards(page), Math.min(10, keys.length), `${layout}: "${query}"`);
        assert.deepEqual(await page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), keys.slice(0, 10), `${layout}: "${query}"`);
        if (keys.length > 10) {
          await page.click('#more');
          assert.equal(await cards(page), Math.min(20, keys.length), `${layout}: "${query}", show more`);
          assert.deepEqual(await page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), keys.slice(0, 20), `${layout}: "${query}", show more`);
        }
      }
      // A search combines with the other filters.
      await page.fill('#f-text', 'ka');
      await page.selectOption('#f-tier', 'paid');
      await settled();
      assert.equal(await count(page), records.filter((r, i) => r.tier === 'paid' && rowMatchesSearch(rows[i], 'ka')).length, layout);
      // The transcript with markup was found and shown as text: nothing in it ran.
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      assert.equal(await page.locator('main img, main b').count(), 0);
      // Each keystroke's handler returned and a frame was painted after it (times are printed, not asserted).
      const keystrokes = await page.evaluate(() => (window as unknown as { afReportKeystrokes: Array<{ handlerMs: number; paintMs: number | null }> }).afReportKeystrokes);
      assert.ok(keystrokes.length > 50 && keystrokes.every((k) => k.paintMs !== null && k.paintMs >= k.handlerMs));
      console.log(`# ${layout}: ${keystrokes.length} keystrokes, input to next paint max ${Math.max(...keystrokes.map((k) => k.paintMs!)).toFixed(0)} ms (not asserted)`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test('a search answered after a newer one never replaces the newer one\'s results', async () => {
    const records = [...searchRecords({ count: 600, vocabulary: 1_000, scratchpadWords: 60 })];
    const rows = records.map(reportRow);
    const expected = (query: string) => records.filter((_, i) => rowMatchesSearch(rows[i], query)).map((r) => r.key);
    const { page, errors } = await openReport(records, { inlineLimit: 100, chunkSize: 50, searchShardBytes: 2_048 });
    const settled = () => page.waitForFunction(() => !document.body.hasAttribute('data-searching') && !document.querySelector('#list[data-loading]'));
    // Hold back the index files that arrive while `holding` is set, as a slow disk would.
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & { held: Array<() => void>; holding: boolean };
      w.held = [];
      w.holding = true;
      for (const name of ['afReportSearchShard', 'afReportSearchPrefix']) {
        const real = w[name] as (...args: unknown[]) => void;
        w[name] = (...args: unknown[]) => (w.holding ? w.held.push(() => real(...args)) : real(...args));
      }
    });
    await page.locator('#f-text').press('k');
    await page.waitForFunction(() => (window as unknown as { held: unknown[] }).held.length > 0);
    assert.equal(await page.getAttribute('body', 'data-searching'), 'true');
    await page.evaluate(() => ((window as unknown as { holding: boolean }).holding = false));
    await page.fill('#f-text', 'mi');
    await settled();
    const newer = expected('mi');
    assert.notDeepEqual(expected('k'), newer);
    assert.equal(await count(page), newer.length);
    // The older search's index file arrives now: it is read, and its answer dropped.
    await page.evaluate(() => (window as unknown as { held: Array<() => void> }).held.forEach((arrive) => arrive()));
    await settled();
    assert.equal(await count(page), newer.length);
    assert.deepEqual(await page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), newer.slice(0, 10));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a phrase checked in chunks that a newer phrase also waits for: the newer one answers exactly', async () => {
    const records = [...searchRecords({ count: 600, vocabulary: 1_000, scratchpadWords: 60 })];
    const rows = records.map(reportRow);
    const [w1, w2] = searchWords(rows[3].scratchpad!).slice(5, 7);
    const older = `"${w1} ${w2.slice(0, 1)}`;
    const newer = `"${w1} ${w2}`;
    const { page, errors } = await openReport(records, { inlineLimit: 100, chunkSize: 50, searchShardBytes: 2_048 });
    // Hold back the chunks while the older phrase is checked, then let the newer one start and release them.
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & { held: Array<() => void>; holding: boolean };
      w.held = [];
      w.holding = true;
      const real = w.afReportChunk as (...args: unknown[]) => void;
      w.afReportChunk = (...args: unknown[]) => (w.holding ? w.held.push(() => real(...args)) : real(...args));
    });
    await page.fill('#f-text', older);
    await page.waitForFunction(() => (window as unknown as { held: unknown[] }).held.length > 0);
    await page.fill('#f-text', newer);
    await page.evaluate(() => {
      const w = window as unknown as { held: Array<() => void>; holding: boolean };
      w.holding = false;
      w.held.splice(0).forEach((arrive) => arrive());
    });
    await page.waitForFunction(() => !document.body.hasAttribute('data-searching') && !document.querySelector('#list[data-loading]'));
    assert.equal(await count(page), records.filter((_, i) => rowMatchesSearch(rows[i], newer)).length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('script and event-handler markup planted in a transcript is shown as text and never runs', async () => {
    const records = syntheticRecords({ requests: 2, models: ['m'], variants: ['v'] });
    const planted = '</script><script>window.pwned = "script"; alert(1)</script><img src=x onerror="window.pwned = \'img\'"><b>bold</b>';
    records[0].finalOutput = planted;
    records[0].scratchpad = `<SCRATCHPAD_REASONING>${planted}</SCRATCHPAD_REASONING>`;
    records[0].request = { ...records[0].request, text: planted };
    records[0].model = '<img src=x onerror="window.pwned = \'model\'">';
    const { page, errors } = await openReport(records);
    await page.waitForTimeout(200); // give a planted onerror the chance to fire
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: string }).pwned), undefined);
    assert.equal(await page.locator('main img').count(), 0);
    assert.equal(await page.locator('main b').count(), 0);
    const first = page.locator('article.card').first();
    const text = await first.innerText();
    assert.ok(text.includes('<script>window.pwned = "script"; alert(1)</script>'), 'the markup is visible as text');
    // Protocol tags are highlighted as text spans, not parsed.
    assert.ok((await first.locator('span.tag').allInnerTexts()).includes('<SCRATCHPAD_REASONING>'));
    assert.equal(await count(page), records.length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('figure PNGs and SVGs render at the figure size with visible content, and the HTML pages draw offline', async () => {
    const dir = tempDir('af-figures-');
    const records = syntheticRecords({ requests: 30 });
    const result = await writeFigures(records, dir, { executablePath: executable! });
    assert.equal(result.images, true);
    assert.equal(result.figures.length, 6);
    const figures = buildFigures(records);
    const page = await browser.newPage();
    page.setDefaultTimeout(scaled(30_000));
    for (const [i, written] of result.figures.entries()) {
      const figure = figures[i];
      const png = readFileSync(written.png!);
      assert.deepEqual(pngSize(png), { width: 2 * figure.width, height: 2 * figure.height }, written.name);
      const spread = await pixelSpread(page, png);
      assert.ok(spread > 10, `${written.name}: pixel luminance spread ${spread.toFixed(1)} means a drawn figure, not a blank one`);
      const svg = readFileSync(written.svg!, 'utf8');
      assert.match(svg, /^<svg[^>]+width="\d+"/);
      assert.ok(svg.includes('SIMULATED'), `${written.name}: the SVG carries the SIMULATED mark`);
    }
    // Offline: any request that is not the file itself is refused, and the plot still draws.
    const requests: string[] = [];
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(pathToFileURL(result.figures[0].html).href);
    await page.waitForSelector('#plot .main-svg');
    assert.ok((await page.locator('#plot g.barlayer .point').count()) > 0, 'bars are drawn');
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('figureHtml fragments draw in a page, the second one reusing the first one\'s plotly', async () => {
    const [outcomes, gap] = buildFigures(syntheticRecords({ requests: 10 }));
    const page = await browser.newPage();
    page.setDefaultTimeout(scaled(30_000));
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.setContent(`<!doctype html><body>${figureHtml(outcomes)}${figureHtml(gap, { includePlotly: false })}</body>`);
    await page.waitForFunction(() => document.querySelectorAll('.main-svg').length >= 2);
    assert.deepEqual(errors, []);
    // A figure drawn before the output that carries plotly (outputs can render out of order) waits for it.
    const late = await browser.newPage();
    late.setDefaultTimeout(scaled(30_000));
    const lateErrors: string[] = [];
    late.on('pageerror', (err) => lateErrors.push(String(err)));
    await late.setContent(`<!doctype html><body>${figureHtml(gap, { includePlotly: false })}</body>`);
    assert.equal(await late.locator('.main-svg').count(), 0);
    await late.addScriptTag({ content: plotlySource() });
    await late.waitForSelector('.main-svg');
    assert.deepEqual(lateErrors, []);
    await late.close();
    await page.close();
  });

  /**
   * Draw each figure in a container `width` px wide (a classic Jupyter output area is 985 px,
   * JupyterLab panes are often narrower) and measure what the browser drew.
   */
  async function drawnWidths(figures: Figure[], width: number): Promise<Array<{ name: string; svg: number; overflow: number; text: string }>> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(scaled(30_000));
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.addScriptTag({ content: plotlySource() });
    const measured: Array<{ name: string; svg: number; overflow: number; text: string }> = [];
    for (const figure of figures) {
      await page.evaluate(
        ({ html, width }) => {
          document.body.innerHTML = `<div id="area" style="width:${width}px;overflow:visible">${html}</div>`;
          // innerHTML does not run scripts: run the fragment's plot call the way the notebook does.
          for (const old of Array.from(document.querySelectorAll('#area script'))) {
            const script = document.createElement('script');
            script.textContent = old.textContent;
            old.replaceWith(script);
          }
        },
        { html: figureHtml(figure, { includePlotly: false }), width },
      );
      await page.waitForSelector('#area .main-svg');
      measured.push({
        name: figure.name,
        ...(await page.evaluate(() => {
          const area = document.getElementById('area')!.getBoundingClientRect();
          const svg = document.querySelector('#area svg.main-svg')!.getBoundingClientRect();
          // How far any drawn text reaches past the container's right edge (0 when none does).
          const texts = Array.from(document.querySelectorAll('#area svg text')).map((t) => ({ over: t.getBoundingClientRect().right - area.right, text: t.textContent ?? '' }));
          const worst = texts.reduce((a, b) => (b.over > a.over ? b : a), { over: 0, text: '' });
          return { svg: svg.width, overflow: worst.over, text: worst.text };
        })),
      });
    }
    assert.deepEqual(errors, []);
    await page.close();
    return measured;
  }

  test('every figure fits a 985 px and a 600 px container: the drawn SVG is no wider and no text runs past it', async () => {
    const beside = syntheticRecords({ requests: 20, variants: ['baseline'] });
    const figures = [
      ...buildFigures(syntheticRecords({ requests: 20 })),
      ...buildFigures(syntheticRecords({ requests: 20, simulated: false })),
      ...paperFigures('all'),
      ...besidePaperFigures(beside, 'koorndijk-2025', { conditionMap: { 'baseline/no-cot': 'Baseline 1', 'baseline/cot': 'Scratchpad' } }),
    ];
    for (const width of [985, 600]) {
      for (const [i, drawn] of (await drawnWidths(figures, width)).entries()) {
        assert.ok(drawn.svg <= width, `${drawn.name} at ${width} px: SVG ${drawn.svg} px wide`);
        // It takes the room it is given (up to a reading width of its export width + 200 px).
        const room = Math.min(width, figures[i].width + 200);
        assert.ok(drawn.svg >= room - 1, `${drawn.name} at ${width} px: SVG ${drawn.svg} px should fill ${room} px`);
        assert.ok(drawn.overflow <= 1, `${drawn.name} at ${width} px: text runs ${drawn.overflow.toFixed(0)} px past the right edge: ${drawn.text}`);
      }
    }
  });

  test("the papers' figures export as SVG and PNG at their size, titled as published and never SIMULATED", async () => {
    const dir = tempDir('af-published-');
    const figures = paperFigures('all');
    const result = await writeFigureFiles(figures, dir, { executablePath: executable! });
    assert.equal(result.images, true);
    for (const [i, written] of result.figures.entries()) {
      assert.deepEqual(pngSize(readFileSync(written.png!)), { width: 2 * figures[i].width, height: 2 * figures[i].height }, written.name);
      const svg = readFileSync(written.svg!, 'utf8');
      assert.match(svg, /published (counts|rates)/, written.name);
      assert.doesNotMatch(svg, /SIMULATED/, written.name);
    }
  });

  test('a notebook holds one copy of plotly, however many figures and views its cells make', async () => {
    const shown: string[] = [];
    const display = { html: (html: string) => shown.push(html), markdown: () => undefined, text: () => undefined, png: () => undefined };
    // The figures go to the cell's output; each call's progress box to a display of its own (not counted).
    const boxes: string[] = [];
    const host = { display, newDisplay: () => ({ ...display, html: (html: string) => boxes.push(html) }) };
    const figures = buildFigures(syntheticRecords({ requests: 5 }));
    await notebookView(host, { rendererIdleMs: 0 }).figures(figures.slice(0, 2), { interactive: true });
    await notebookView(host, { rendererIdleMs: 0 }).figures(figures.slice(2), { interactive: true });
    const copies = shown.filter((html) => html.includes(plotlySource().slice(0, 5000))).length;
    assert.equal(copies, 1);
    assert.equal(shown.length, figures.length);
    assert.ok(shown.slice(1).every((html) => html.length < 100_000));
    assert.ok(boxes.every((html) => !html.includes(plotlySource().slice(0, 5000))), 'no copy of plotly in a progress box');
  });

  test('one renderer serves several figures in both formats', async () => {
    const renderer = await FigureRenderer.open({ browser });
    assert.ok(renderer);
    const [figure] = buildFigures(syntheticRecords({ requests: 5, simulated: false }), { only: ['power'] });
    const png = await renderer.render(figure, 'png', { scale: 1 });
    assert.deepEqual(pngSize(png), { width: figure.width, height: figure.height });
    const svg = (await renderer.render(figure, 'svg')).toString('utf8');
    assert.ok(svg.includes('Power to detect a compliance gap'));
    assert.ok(!svg.includes('SIMULATED'), 'a real run carries no SIMULATED mark');
    await renderer.close();
  });
});
