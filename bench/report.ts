// How long the transcript report takes to open with 10,000 transcripts, in headless Chromium.
//   node --import tsx bench/report.ts [transcripts=10000]
// Prints the page's size and its side files' (above 5,000 transcripts the data is paged into
// report.data/), the time to write them, the time from navigation start until the first page of
// transcripts is drawn (the report's own `afReportReady` mark), and the time one filter takes.
// Issue 17's goal: 100,000 transcripts open their first page in under 2 s, with a small HTML file.
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../src/browser/index.js';
import { writeReport } from '../src/report/index.js';
import { reportDataDir } from '../src/report/write.js';
import { syntheticRecords } from '../test/plots-records.js';

const wanted = Number(process.argv[2] ?? 10_000);
const models = ['sim/faker', 'sim/no-gap', 'sim/tag-confused', 'sim/refuser', 'openai/gpt-4o-mini'];
const requests = Math.ceil(wanted / (models.length * 2 * 2 * 2));
// Scratchpads of ~2,500 characters: about what a CoT model writes per sample.
const records = syntheticRecords({ models, requests, scratchpadChars: 2500 }).slice(0, wanted);

const file = join(mkdtempSync(join(tmpdir(), 'af-bench-')), 'report.html');
let started = performance.now();
writeReport(records, file);
const writeMs = performance.now() - started;
const sizeMb = statSync(file).size / 1e6;
const dataDir = reportDataDir(file);
const dataMb = existsSync(dataDir) ? readdirSync(dataDir).reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0) / 1e6 : 0;

const browser = await launchChromium();
const loads: number[] = [];
const filters: number[] = [];
for (let i = 0; i < 5; i++) {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (window as unknown as { afReportReady?: unknown }).afReportReady);
  const ready = await page.evaluate(() => (window as unknown as { afReportReady: { rows: number; sinceNavigationMs: number } }).afReportReady);
  if (ready.rows !== records.length) throw new Error(`report shows ${ready.rows} rows, expected ${records.length}`);
  loads.push(ready.sinceNavigationMs);
  started = performance.now();
  await page.selectOption('#f-tier', 'free');
  await page.waitForFunction((n) => document.getElementById('count')?.getAttribute('data-count') === String(n), records.filter((r) => r.tier === 'free').length);
  filters.push(performance.now() - started);
  await page.close();
}
await browser.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`transcripts: ${records.length}`);
console.log(`report file: ${sizeMb.toFixed(2)} MB${dataMb ? ` + ${dataMb.toFixed(1)} MB of side files in ${dataDir}` : ' (self-contained)'}, written in ${writeMs.toFixed(0)} ms`);
console.log(`open to first page drawn (median of 5): ${median(loads).toFixed(0)} ms  [${loads.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`one filter (tier) applied and redrawn (median of 5): ${median(filters).toFixed(0)} ms`);
