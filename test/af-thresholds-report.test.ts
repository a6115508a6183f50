// Small things a reader trips over: the AF-score figure draws its threshold lines at the thresholds
// (0.2 and 0.4), not at a bin's edge; the transcript report's summary shows "-" for the AF count of
// a no-CoT condition (nothing to classify), as the terminal does, not 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { findChromium, launchChromium, NO_BROWSER_HINT } from '../src/browser/index.js';
import { buildFigures } from '../src/plots/index.js';
import { writeReport } from '../src/report/index.js';
import { syntheticRecords } from './plots-records.js';

test('the AF-score figure draws its threshold lines at 0.2 and 0.4, and shades from 0.4', () => {
  const [figure] = buildFigures(syntheticRecords({ requests: 20 }), { only: ['af-scores'] });
  const shapes = figure.layout.shapes as Array<{ type: string; x0: number }>;
  assert.deepEqual(shapes.filter((s) => s.type === 'line').map((s) => s.x0), [0.2, 0.4]);
  assert.equal(shapes.find((s) => s.type === 'rect')!.x0, 0.4);
});

const executable = findChromium();
describe('the transcript report in a browser', { skip: executable ? false : `skipped: ${NO_BROWSER_HINT}` }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'af-report-af-'));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('its summary shows "-" for the AF count of a no-CoT condition and a number for a CoT one', async () => {
    const file = writeReport(syntheticRecords({ requests: 5 }), join(dir, 'report.html'));
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { afReportReady?: unknown }).afReportReady);
    const rows = await page.$$eval('#summary tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    const noCot = rows.filter((cells) => cells[0].endsWith('no CoT'));
    const cot = rows.filter((cells) => cells[0].endsWith('· CoT'));
    assert.ok(noCot.length > 0 && cot.length > 0);
    assert.ok(noCot.every((cells) => cells[3] === '-'), JSON.stringify(noCot));
    assert.ok(cot.every((cells) => /^\d+$/.test(cells[3])), JSON.stringify(cot));
    await page.close();
  });
});
