// The paged report's text search at scale, in headless Chromium (issue 25 item 6).
//   node --import tsx bench/report-search.ts [transcripts=100000]
// Streams generated transcripts (test/helpers/searchRecords.ts: Zipf-distributed made-up words,
// about 2,500 characters of scratchpad on CoT samples) through a ReportWriter, then opens the report
// from file:// and types queries key by key, each in a fresh tab (so the first keystroke is a first
// search). Per keystroke it prints what the page measured itself (performance.now from the input
// event to the next frame painted: window.afReportKeystrokes; to the matches counted, to the first
// card and to the cards drawn, at most 10: window.afReportSearched) and the bytes of the side files
// the tab read for it. Then it types each query again in a fresh tab at 50 ms a key, not waiting for
// answers, as a quick typist would, and prints the input-to-paint times of those keys. Before the
// search index, a search read every chunk: their total is printed beside. Checks every final count
// against the rule applied to every row.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../src/browser/index.js';
import { ReportWriter, reportDataDir } from '../src/report/write.js';
import { reportRow } from '../src/report/rows.js';
import { holdsPhrase, parseSearchQuery, searchedTexts, searchWords } from '../src/report/searchIndex.js';
import { searchRecords } from '../test/helpers/searchRecords.js';

const wanted = Number(process.argv[2] ?? 100_000);
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`machine load (1, 5, 15 min) at start: ${load()}`);

const dir = mkdtempSync(join(tmpdir(), 'af-bench-search-'));
// Removed at exit, also when a step fails (a 100,000-transcript report is 300 MB).
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'report.html');
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

// Write, keeping of each row only its distinct words' count (for picking queries) and its words,
// for the first 2,000 rows: the check below recomputes matches by streaming the rows again.
let started = performance.now();
const writer = new ReportWriter(file);
const wordRows = new Map<string, number>();
let n = 0;
for (const record of searchRecords({ count: wanted })) {
  writer.add(record);
  if (n < 2_000) for (const word of new Set(searchedTexts(reportRow(record)).flatMap(searchWords))) wordRows.set(word, (wordRows.get(word) ?? 0) + 1);
  if (++n % 10_000 === 0) sampleRss();
}
const searchBytesInMemory = writer.searchBytes;
writer.finish('bench');
const writeMs = performance.now() - started;
sampleRss();

const dataDir = reportDataDir(file);
// Up to 5,000 transcripts the report is one self-contained file (no side files; the page builds the word lists).
const sizes = new Map(existsSync(dataDir) ? readdirSync(dataDir).map((name) => [name, statSync(join(dataDir, name)).size]) : []);
const sum = (filter: (name: string) => boolean) => [...sizes].filter(([name]) => filter(name)).reduce((total, [, size]) => total + size, 0);
const chunkBytes = sum((name) => name.startsWith('chunk-'));
const searchBytes = sum((name) => name.startsWith('search'));
const shards = [...sizes.keys()].filter((name) => /^search-\d+\.js$/.test(name)).length;
const prefixFiles = [...sizes.keys()].filter((name) => /^search-p\d+\.js$/.test(name));
const prefixBytes = sum((name) => /^search-p\d+\.js$/.test(name));
const largest = (filter: (name: string) => boolean) => Math.max(0, ...[...sizes].filter(([name]) => filter(name)).map(([, size]) => size));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(`transcripts: ${wanted}; written in ${(writeMs / 1000).toFixed(1)} s, peak RSS ${mb(peakRss)}, search lists in memory before finish ${mb(searchBytesInMemory)}`);
if (sizes.size === 0) console.log(`self-contained report: ${mb(statSync(file).size)}`);
else {
  console.log(`side files: chunks ${mb(chunkBytes)} (what a search read before the index), index.js ${mb(sizes.get('index.js') ?? 0)}, search index ${mb(searchBytes)}: ${shards} shards and ${prefixFiles.length} prefix files (${mb(prefixBytes)}), search.js ${(sizes.get('search.js')! / 1e3).toFixed(0)} KB`);
  console.log(`largest index file a key may read: shard ${(largest((name) => /^search-\d+\.js$/.test(name)) / 1e3).toFixed(0)} KB, prefix file ${(largest((name) => /^search-p\d+\.js$/.test(name)) / 1e3).toFixed(0)} KB`);
}

// Queries from the first rows' words: the commonest, one in about 1 % of rows, one rare, and two words.
const byRows = [...wordRows].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
const common = byRows[0][0];
const middle = byRows.find(([, rows]) => rows <= 20)![0];
const rare = byRows.find(([word, rows]) => rows === 1 && word.length >= 6)![0];
// A quoted phrase: the rare word and the word after it in the first row that has it.
let phrase = '';
for (const record of searchRecords({ count: 2_000 })) {
  const text = searchedTexts(reportRow(record)).map(searchWords).find((words) => words.slice(0, -1).includes(rare));
  if (text) {
    phrase = `"${rare} ${text[text.indexOf(rare) + 1]}"`;
    break;
  }
}
const queries = [common, middle, rare, `${middle} ${common.slice(0, 3)}`, phrase];

/** Matches per query by the rule, streaming the same rows again (nothing held). */
function bruteForceCounts(): number[] {
  const counts = queries.map(() => 0);
  const parsed = queries.map(parseSearchQuery);
  for (const record of searchRecords({ count: wanted })) {
    const texts = searchedTexts(reportRow(record)).map(searchWords);
    const words = [...new Set(texts.flat())];
    parsed.forEach((query, q) => {
      if (query.words.every((prefix) => words.some((word) => word.startsWith(prefix))) && query.phrases.every((p) => texts.some((text) => holdsPhrase(text, p)))) counts[q]++;
    });
  }
  return counts;
}

interface Searched {
  query: string;
  count: number;
  keystroke: number;
  resultsMs: number;
  firstCardMs: number | null;
  drawnMs: number;
}

interface Keystroke {
  query: string;
  handlerMs: number;
  paintMs: number | null;
}
const keystrokesOf = async (page: Page): Promise<Keystroke[]> => page.evaluate(() => (window as unknown as { afReportKeystrokes: Keystroke[] }).afReportKeystrokes);

const browser = await launchChromium();
const rows: string[] = [];
const paints: number[] = [];
const firsts: number[] = [];
const keys: number[] = [];
const firstCards: number[] = [];
const cards: number[] = [];
const finalCounts: number[] = [];
for (const query of queries) {
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  const read: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('report.data/')) read.push(decodeURIComponent(request.url().replace(/.*report\.data\//, '')));
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (window as unknown as { afReportReady?: unknown }).afReportReady);
  read.length = 0;
  for (let k = 1; k <= query.length; k++) {
    const before = read.length;
    await page.locator('#f-text').pressSequentially(query[k - 1]);
    const typed = query.slice(0, k);
    const result = (await (
      await page.waitForFunction(
        ({ typed, k }) => {
          const s = (window as unknown as { afReportSearched?: Searched }).afReportSearched;
          return s && s.keystroke === k && s.query === typed ? s : null;
        },
        { typed, k },
      )
    ).jsonValue()) as Searched;
    const bytes = read.slice(before).reduce((total, name) => total + (sizes.get(name) ?? 0), 0);
    const files = read.slice(before);
    await page.waitForFunction((k) => (window as unknown as { afReportKeystrokes: Keystroke[] }).afReportKeystrokes[k - 1]?.paintMs !== null, k);
    const keystroke = (await keystrokesOf(page))[k - 1];
    paints.push(keystroke.paintMs!);
    rows.push(`| "${typed}" | ${result.count} | ${keystroke.paintMs!.toFixed(0)} ms (${keystroke.handlerMs.toFixed(0)}) | ${result.resultsMs.toFixed(0)} ms | ${result.firstCardMs === null ? '-' : `${result.firstCardMs.toFixed(0)} ms`} | ${result.drawnMs.toFixed(0)} ms | ${files.filter((f) => f.startsWith('search')).length} index + ${files.filter((f) => f.startsWith('chunk')).length} chunk files, ${(bytes / 1e3).toFixed(0)} KB |`);
    (k === 1 ? firsts : keys).push(result.resultsMs);
    (k === 1 ? firstCards : cards).push(result.firstCardMs ?? result.drawnMs);
    if (k === query.length) finalCounts.push(result.count);
  }
  const total = read.reduce((t, name) => t + (sizes.get(name) ?? 0), 0);
  rows.push(`| (all of "${query}") | | | | | | ${read.length} files, ${mb(total)} |`);
  await page.close();
}

// Quick typing: each query in a fresh tab at 50 ms a key, answers not awaited (loads overlap keys).
const quick: string[] = [];
for (const query of queries) {
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (window as unknown as { afReportReady?: unknown }).afReportReady);
  await page.locator('#f-text').pressSequentially(query, { delay: 50 });
  await page
    .waitForFunction(() => !document.body.hasAttribute('data-searching') && !document.querySelector('#list[data-loading]') && (window as unknown as { afReportKeystrokes: Keystroke[] }).afReportKeystrokes.every((k) => k.paintMs !== null))
    .catch(async (error: unknown) => {
      const state = await page.evaluate(() => ({
        searching: document.body.hasAttribute('data-searching'),
        loading: document.querySelector('#list[data-loading]') !== null,
        status: document.getElementById('page')?.textContent,
        keys: (window as unknown as { afReportKeystrokes: Keystroke[] }).afReportKeystrokes,
      }));
      throw new Error(`quick typing "${query}" did not settle: ${JSON.stringify(state)}`, { cause: error });
    });
  const keystrokes = await keystrokesOf(page);
  const count = Number(await page.getAttribute('#count', 'data-count'));
  if (count !== finalCounts[queries.indexOf(query)]) throw new Error(`quick typing "${query}": the page counted ${count}`);
  quick.push(`| "${query}" | ${keystrokes.length} | ${keystrokes.map((k) => k.paintMs!.toFixed(0)).join(', ')} ms | ${Math.max(...keystrokes.map((k) => k.handlerMs)).toFixed(0)} ms |`);
  await page.close();
}
await browser.close();

const expected = bruteForceCounts();
queries.forEach((query, q) => {
  if (finalCounts[q] !== expected[q]) throw new Error(`"${query}": the page counted ${finalCounts[q]}, the rule gives ${expected[q]}`);
});
console.log(`every final count equals the rule applied to all ${wanted} rows (${expected.join(', ')})`);
console.log('\n| typed so far | matches | input to next paint (handler) | to matches counted | to first card | to the cards drawn (at most 10) | side files read for this keystroke |\n|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log('\n| quick typing (50 ms a key) | keys | input to next paint, per key | longest handler |\n|---|---|---|---|');
for (const row of quick) console.log(row);
const max = (xs: number[]) => Math.max(...xs).toFixed(0);
console.log(`\ninput to next paint: every keystroke typed one at a time max ${max(paints)} ms over ${paints.length}`);
console.log(`\nto matches counted: first keystroke in a fresh tab (a first search) max ${max(firsts)} ms over ${firsts.length}, later keystrokes max ${max(keys)} ms over ${keys.length}`);
console.log(`to the first card drawn: first keystroke max ${max(firstCards)} ms, later keystrokes max ${max(cards)} ms`);
console.log(`machine load (1, 5, 15 min) at end: ${load()}`);
rmSync(dir, { recursive: true, force: true });
