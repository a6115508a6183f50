// Figures never clip, in a real headless Chromium: for every kind of figure (a run's, a real run's,
// the papers' own, a run beside the paper), drawn at its export size (what PNG and SVG show) and in
// 985 px (a classic Jupyter output area) and 600 px containers, every text element's bounding box
// lies inside the drawn figure, clear of its top edge, and overlaps no other text; plotly's toolbar
// leaves the SIMULATED badge readable. Skipped, with the reason, only when no browser is installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium, NO_BROWSER_HINT } from '../src/browser/index.js';
import { besidePaperFigures, buildFigures, figureHtml, paperFigures, plotlySource, type Figure } from '../src/plots/index.js';
import { syntheticRecords } from './plots-records.js';

const executable = findChromium();
const skip = executable ? false : `skipped: ${NO_BROWSER_HINT}`;

interface Box { text: string; left: number; right: number; top: number; bottom: number }
interface Drawn { width: number; height: number; texts: Box[]; badge?: Box; modebar?: Box }

/** Draw one figure: `width` null draws it at its export size, as Plotly.toImage does; else in a container that wide. */
async function draw(page: Page, figure: Figure, width: number | null): Promise<Drawn> {
  await page.evaluate(
    ({ html, width, spec }) => {
      document.body.innerHTML = width === null ? '<div id="area"><div id="plot"></div></div>' : `<div id="area" style="width:${width}px">${html}</div>`;
      if (width === null) {
        void (window as any).Plotly.newPlot('plot', spec.data, { ...spec.layout, autosize: false, width: spec.width, height: spec.height }, { staticPlot: true });
        return;
      }
      for (const old of Array.from(document.querySelectorAll('#area script'))) {
        const script = document.createElement('script');
        script.textContent = old.textContent;
        old.replaceWith(script);
      }
    },
    { html: figureHtml(figure, { includePlotly: false }), width, spec: { data: figure.data, layout: figure.layout, width: figure.width, height: figure.height } },
  );
  await page.waitForSelector('#area .main-svg');
  // Hovering shows the toolbar, where a reader's pointer would.
  if (width !== null) {
    const at = (await page.locator('#area .main-svg').first().boundingBox())!;
    await page.mouse.move(0, 0);
    await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  }
  return page.evaluate(() => {
    const svg = document.querySelector('#area svg.main-svg')!.getBoundingClientRect();
    const box = (el: Element, text: string) => {
      const r = el.getBoundingClientRect();
      return { text, left: r.left - svg.left, right: r.right - svg.left, top: r.top - svg.top, bottom: r.bottom - svg.top };
    };
    const texts = Array.from(document.querySelectorAll('#area svg text'))
      .filter((t) => (t.textContent ?? '').trim() !== '' && t.getBoundingClientRect().width > 0)
      // A hover label lies over the plot where the pointer is, on purpose.
      .filter((t) => !t.closest('.hoverlayer'))
      // The diagonal watermark lies across the plot on purpose.
      .filter((t) => !(t.textContent === 'SIMULATED' && parseFloat(getComputedStyle(t).fontSize) >= 40))
      .map((t) => box(t, t.textContent ?? ''));
    const badge = texts.find((t) => t.text.startsWith('SIMULATED DATA'));
    const bar = document.querySelector('#area .modebar');
    const modebar = bar && bar.getBoundingClientRect().width > 0 && getComputedStyle(bar).opacity !== '0' ? box(bar, 'toolbar') : undefined;
    return { width: svg.width, height: svg.height, texts, badge, modebar };
  });
}

const overlap = (a: Box, b: Box) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;

/** Everything wrong with one drawing, in words. */
function problems(drawn: Drawn): string[] {
  const found: string[] = [];
  for (const t of drawn.texts) {
    if (t.left < -1 || t.right > drawn.width + 1 || t.bottom > drawn.height + 1) found.push(`"${t.text}" runs out of the ${drawn.width.toFixed(0)}×${drawn.height.toFixed(0)} figure (x ${t.left.toFixed(0)}–${t.right.toFixed(0)}, y ${t.top.toFixed(0)}–${t.bottom.toFixed(0)})`);
    else if (t.top < 4) found.push(`"${t.text}" touches the top edge (y ${t.top.toFixed(1)})`);
  }
  for (const [i, a] of drawn.texts.entries()) {
    for (const b of drawn.texts.slice(i + 1)) if (overlap(a, b)) found.push(`"${a.text}" overlaps "${b.text}"`);
  }
  if (drawn.badge && drawn.modebar && overlap(drawn.badge, drawn.modebar)) found.push('the toolbar covers the SIMULATED badge');
  return found;
}

describe('figures never clip', { skip }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addScriptTag({ content: plotlySource() });
    // tsx names the functions it compiles with a helper the page lacks.
    await page.evaluate('window.__name = (f) => f');
  });
  after(async () => {
    await browser?.close();
  });

  const kinds: Array<[string, () => Figure[]]> = [
    ['a simulated run (counts of three digits)', () => buildFigures(syntheticRecords({ requests: 120 }))],
    ['a real run', () => buildFigures(syntheticRecords({ requests: 20, simulated: false }))],
    ["the papers' published figures", () => paperFigures('all')],
    ['a run beside the paper', () => besidePaperFigures(syntheticRecords({ requests: 20, variants: ['baseline', 'koorndijk-a'] }), 'koorndijk-2025', { conditionMap: { 'baseline/no-cot': 'Baseline 1', 'baseline/cot': 'Scratchpad', 'koorndijk-a/no-cot': 'Prompt A (deontological; simple)' } })],
  ];
  for (const [kind, make] of kinds) {
    test(`${kind}: every text inside the figure, clear of the top, overlapping no other text, at export size, 985 px and 600 px`, async () => {
      const found: string[] = [];
      for (const figure of make()) {
        for (const width of [null, 985, 600]) {
          for (const problem of problems(await draw(page, figure, width))) found.push(`${figure.name} at ${width === null ? `export size ${figure.width} px` : `${width} px`}: ${problem}`);
        }
      }
      assert.deepEqual(found, []);
    });
  }
});
