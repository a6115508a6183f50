// The transcript report: one HTML file per run (no network), with every transcript, its labels and
// its cost, filterable in the browser. Self-contained up to INLINE_LIMIT transcripts; above, its
// data is paged into files beside it so a 100k-sample report opens its first page at once.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { SampleRecord } from '../core/types.js';
import { writeFileAtomic } from '../core/files.js';
import { fileInputsMarker, forgetInputs, inputsHash, isUpToDate, recordInputs, recordsDigest } from '../core/inputsHash.js';
import { REPORT_CSS, REPORT_SCRIPT } from './client.js';
import { reportRow } from './rows.js';
import { escapeHtml, jsonForScript } from '../core/safeJson.js';
import type { ComplianceSource } from '../plots/inputs.js';
import { INDEX_BUDGET_BYTES, PackedIndexBuilder } from './packedIndex.js';
import { SEARCH_BUDGET_BYTES, SearchIndexBuilder } from './searchIndex.js';
import { ReportFactsAccumulator, reportFactsOf, type ReportFacts } from './pageFacts.js';

export interface ReportOptions {
  /** Page title; defaults to the run name of the records. */
  title?: string;
}

/** Where a paged report's data lives, relative to the page (see writeReport). */
interface PagedData {
  dir: string;
  chunks: number;
  chunkSize: number;
}

/** Above this many transcripts, writeReport pages the data into side files. */
export const INLINE_LIMIT = 5_000;
/** The inline limit a writer given none uses: INLINE_LIMIT (tests lower it, to page a small run's report). */
export const reportPaging = { inlineLimit: INLINE_LIMIT };
/**
 * Transcripts per side-file chunk: one page of 50 loads one chunk when unfiltered, and a page of
 * search results scattered over the run loads at most 50 (5,000 transcripts, not every one).
 */
export const CHUNK_SIZE = 100;

export interface WriteReportOptions extends ReportOptions {
  /** Rewrite the file even when its inputs are unchanged since the last write. */
  force?: boolean;
  /** Above this many transcripts the data is paged into side files (default reportPaging.inlineLimit: INLINE_LIMIT). */
  inlineLimit?: number;
  /** Transcripts per side file when paged (default CHUNK_SIZE). */
  chunkSize?: number;
  /** Encoded bytes per search-index shard when paged (default searchIndex's SHARD_BYTES). */
  searchShardBytes?: number;
  /**
   * Bytes of the packed index (default packedIndex's INDEX_BUDGET_BYTES) and of the search index's
   * word lists (default searchIndex's SEARCH_BUDGET_BYTES) the writer keeps in memory when paged; the
   * rest waits in scratch files until finish. The files written are the same whatever the budgets.
   */
  indexBudgetBytes?: number;
  searchBudgetBytes?: number;
}

const labelOptions = (source: ComplianceSource): Array<[string, string]> => [
  ['', 'any'],
  ['complied', `complied (${source === 'compliance' ? 'LLM judge' : 'prefix proxy'})`],
  ['refused', `refused (${source === 'compliance' ? 'LLM judge' : 'prefix proxy'})`],
  ['af', 'AF reasoning'],
  ['maybe', 'AF maybe'],
  ['partial', 'partial compliance'],
  ['unlabelled', 'no compliance label'],
  ['not-answered', 'error / truncated / failed'],
];

const DISAGREE_OPTIONS: Array<[string, string]> = [
  ['', 'any'],
  ['any', 'any two classifiers disagree'],
  ['proxy-judge', 'proxy vs judge'],
  ['proxy-heuristic', 'proxy vs heuristic'],
  ['heuristic-judge', 'heuristic vs judge'],
];

function options(pairs: Array<[string, string]>): string {
  return pairs.map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`).join('');
}

/**
 * The report as one HTML string. Self-contained, it embeds the records' rows; paged, the page
 * reads only ReportFacts of them (counts and names for its title and banners), so a streaming
 * writer passes those instead of the records.
 */
export function reportHtml(records: readonly SampleRecord[] | ReportFacts, opts: ReportOptions = {}, paged?: PagedData): string {
  const isFacts = !Array.isArray(records);
  if (isFacts && !paged) throw new Error('reportHtml: a self-contained report needs the records, not only their facts');
  const facts = isFacts ? (records as ReportFacts) : reportFactsOf(records as readonly SampleRecord[]);
  const title = opts.title ?? `af-lab transcripts — ${facts.runs.join(', ') || 'no records'}`;
  const banner =
    facts.simulated > 0
      ? `<div class="simulated" id="simulated-banner">SIMULATED: ${facts.simulated} of ${facts.transcripts} transcripts come from af-lab's simulator. They test the pipeline and measure nothing about any model.</div>`
      : '';
  const labelKinds = facts.simulatedLabels;
  const labelsBanner = labelKinds.length
    ? `<div class="simulated" id="simulated-labels-banner">SIMULATED labels: the ${escapeHtml(labelKinds.join(', '))} labels of these real transcripts come from af-lab's simulated judge (sim/judge). They test the pipeline and measure nothing; compliance below is by the prefix proxy.</div>`
    : '';
  const data = paged ? '' : jsonForScript((records as readonly SampleRecord[]).map(reportRow));
  const source = facts.complianceSource;
  if (/<\/script/i.test(REPORT_SCRIPT)) throw new Error('report script must not contain </script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'${paged ? " 'self' file:" : ''}; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body data-compliance-source="${source}">
<header>
${banner}${labelsBanner}
<h1>${escapeHtml(title)}</h1>
<div class="filters">
  <label>model<select id="f-model"><option value="">all</option></select></label>
  <label>variant<select id="f-variant"><option value="">all</option></select></label>
  <label>reasoning<select id="f-reasoning"><option value="">all</option></select></label>
  <label>tier<select id="f-tier"><option value="">all</option></select></label>
  <label>label<select id="f-label">${options(labelOptions(source))}</select></label>
  <label>classifiers<select id="f-disagree">${options(DISAGREE_OPTIONS)}</select></label>
  <label>text<input id="f-text" type="search" placeholder="words or &quot;a phrase&quot; in request, reasoning, output" title="Not case-sensitive. Each word typed must begin a word of the transcript's request, reasoning or final output (train finds training); punctuation and order are ignored. Words in double quotes must follow one another in one text, each whole but the last: &quot;modify my val&quot; finds modify my values (a quote left open runs to the end)."></label>
</div>
<div class="status-line"><span><b id="count">0</b> of <span id="total">0</span> transcripts match</span>
<button id="prev" type="button">◀ previous</button><span id="page"></span><button id="next" type="button">next ▶</button></div>
</header>
<main>
<table class="summary" id="summary"></table>
<div id="list"></div>
<button id="more" type="button" hidden></button>
</main>
${paged ? `<script type="application/json" id="af-paged">${jsonForScript(paged)}</script>` : `<script type="application/json" id="af-data">${data}</script>`}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** Remove the side files an earlier paged write left (only ours: the folder may be the user's). */
function removeReportData(dataDir: string): void {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return;
  }
  for (const name of names) if (/^(chunk-\d+|index|search(-p?\d+)?)\.js$/.test(name)) rmSync(join(dataDir, name), { force: true });
  if (readdirSync(dataDir).length === 0) rmSync(dataDir, { recursive: true, force: true });
}

/** `report.html` keeps its data in `report.data/`. */
export const reportDataDir = (outFile: string): string => join(dirname(outFile), `${basename(outFile, extname(outFile))}.data`);

/** The hash of what a report is made from: its options and the digest of its records, in order (the memory budgets change no byte). */
function reportInputsHash(opts: WriteReportOptions, inlineLimit: number, chunkSize: number, digest: string): string {
  return inputsHash('report', REPORT_SCRIPT, REPORT_CSS, opts.title ?? null, inlineLimit, chunkSize, opts.searchShardBytes ?? null, digest);
}

/**
 * Writes a run's report as its records arrive, one at a time, with the same files writeReport
 * writes for the same records in the same order. Up to `inlineLimit` records it keeps them and
 * writes the self-contained page at finish(); on the next one it switches to the paged layout and
 * from then on writes each chunk as soon as it is full, keeping only the packed index (a few small
 * integers per transcript), the search index's word lists (packed: report/searchIndex.ts), the page's
 * facts and at most one chunk of rows; the index and the lists up to their memory budgets, the rest
 * in scratch files (unlinked temporary files: core/scratchFile.ts), closed by finish(), by close(),
 * or when a failing add() or finish() gives up. The marker of the last
 * write is forgotten before the first file is written and recorded by finish(), after the last.
 */
export class ReportWriter {
  private readonly marker: string;
  private readonly dataDir: string;
  private readonly inlineLimit: number;
  private readonly chunkSize: number;
  private readonly facts = new ReportFactsAccumulator();
  /** The first inlineLimit records, until the report turns out to be paged. */
  private inline: SampleRecord[] | undefined = [];
  private index: PackedIndexBuilder | undefined;
  /** The text search index (report/searchIndex.ts), built as rows pass. */
  private search: SearchIndexBuilder | undefined;
  /** The JSON of each row of the chunk being filled. */
  private chunk: string[] = [];
  private chunks = 0;
  private added = 0;
  private started = false;
  private done = false;

  /**
   * `records`: how many records will be added (or fewer: a lower bound), when the caller has counted them. Above the inline
   * limit the writer then pages from the first record instead of holding the first inlineLimit
   * records (tens of MB of live heap, after which V8 lets the heap grow that much further before it
   * collects): the same files, a flat peak.
   */
  constructor(
    private readonly outFile: string,
    private readonly opts: WriteReportOptions = {},
    private readonly records?: number,
  ) {
    this.marker = fileInputsMarker(outFile);
    this.dataDir = reportDataDir(outFile);
    this.inlineLimit = opts.inlineLimit ?? reportPaging.inlineLimit;
    this.chunkSize = opts.chunkSize ?? CHUNK_SIZE;
    if (records !== undefined && records > this.inlineLimit) this.startPaged();
  }

  /**
   * False when the writer was told more records than the inline limit and given no more than it (the
   * records changed after they were counted): finish would refuse, the page being paged where these
   * records are written inline. Write them again with a writer told the count given.
   */
  get countHolds(): boolean {
    return !(this.records !== undefined && this.records > this.inlineLimit && this.added <= this.inlineLimit);
  }

  /** Records (inline) or rows (paged) held until written: at most inlineLimit, then below chunkSize. */
  get bufferedRows(): number {
    return this.inline ? this.inline.length : this.chunk.length;
  }

  /** Transcripts in the packed index (0 until the report is paged). */
  get indexedRows(): number {
    return this.index?.rows ?? 0;
  }

  /** Bytes the packed index takes in memory. */
  get indexBytes(): number {
    return this.index?.bytes ?? 0;
  }

  /** Bytes the search index's lists take in memory. */
  get searchBytes(): number {
    return this.search?.bytes ?? 0;
  }

  /** Bytes the packed index and the search lists have put in scratch files: 0 while they fit their budgets (no file opened). */
  get scratchBytes(): number {
    return (this.index?.spilledBytes ?? 0) + (this.search?.spilled.scratchBytes ?? 0);
  }

  add(record: SampleRecord): void {
    if (this.done) throw new Error('ReportWriter.add after finish or close');
    this.added++;
    this.facts.add(record);
    if (this.inline && this.inline.length < this.inlineLimit) {
      this.inline.push(record);
      return;
    }
    try {
      if (this.inline) {
        const buffered = this.inline;
        this.startPaged();
        for (const earlier of buffered) this.addRow(earlier);
      }
      this.addRow(record);
    } catch (err) {
      // A chunk that could not be written: the report is given up, its scratch files closed.
      this.close();
      throw err;
    }
  }

  /**
   * Give the report up: the scratch files are closed and the writer takes nothing more. Files already
   * written stay (the marker was forgotten: nothing reads as current). Safe after finish.
   */
  close(): void {
    this.done = true;
    this.index?.close();
    this.search?.close();
    this.index = undefined;
    this.search = undefined;
    this.inline = undefined;
    this.chunk = [];
  }

  private startPaged(): void {
    this.inline = undefined;
    this.index = new PackedIndexBuilder(this.opts.indexBudgetBytes ?? INDEX_BUDGET_BYTES);
    this.search = new SearchIndexBuilder(this.opts.searchShardBytes, this.opts.searchBudgetBytes ?? SEARCH_BUDGET_BYTES);
  }

  /**
   * Write what is left (the page, and when paged the last chunk and the index), then record
   * `recordsDigest` (recordsDigest of the records, in order, as writeReport hashes them) so that a
   * later writeReport of the same records skips. Returns the page's path.
   */
  finish(recordsDigest: string): string {
    if (this.done) throw new Error('ReportWriter.finish after finish or close');
    this.done = true;
    // Paged from the start on a count that did not come true would be a layout these records never get.
    if (!this.countHolds) {
      this.close();
      throw new Error(`ReportWriter: told ${this.records} records, given ${this.added}`);
    }
    const hash = reportInputsHash(this.opts, this.inlineLimit, this.chunkSize, recordsDigest);
    try {
      this.start();
      if (this.inline) {
        writeFileAtomic(this.outFile, reportHtml(this.inline, this.opts));
      } else {
        if (this.chunk.length > 0) this.writeChunk();
        const index = this.index!;
        writeFileAtomic(join(this.dataDir, 'index.js'), (function* () {
          yield 'afReportIndex(';
          yield* index.jsonPieces();
          yield ');\n';
        })(), { durable: false });
        index.close();
        for (const file of this.search!.files()) writeFileAtomic(join(this.dataDir, file.name), file.text, { durable: false });
        writeFileAtomic(this.outFile, reportHtml(this.facts.facts(), this.opts, { dir: basename(this.dataDir), chunks: this.chunks, chunkSize: this.chunkSize }));
      }
    } finally {
      this.close();
    }
    recordInputs(this.marker, hash);
    return this.outFile;
  }

  private addRow(record: SampleRecord): void {
    const row = reportRow(record);
    this.index!.add(row);
    this.search!.add(row);
    this.chunk.push(jsonForScript(row));
    if (this.chunk.length === this.chunkSize) this.writeChunk();
  }

  /** jsonForScript of the chunk's rows is the rows' own JSON joined: the escapes are per character. */
  private writeChunk(): void {
    this.start();
    writeFileAtomic(join(this.dataDir, `chunk-${this.chunks}.js`), `afReportChunk(${this.chunks},[${this.chunk.join(',')}]);\n`, { durable: false });
    this.chunks++;
    this.chunk = [];
  }

  /** Before the first file: forget the last write's marker and remove its side files. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    forgetInputs(this.marker);
    removeReportData(this.dataDir);
  }
}

/**
 * True when the report at `outFile` was written from `records` records whose RecordsDigest is
 * `digest`, with these options and this code, and its files are all in place: nothing to rewrite.
 */
export function isReportCurrent(outFile: string, opts: WriteReportOptions, digest: string, records: number): boolean {
  const inlineLimit = opts.inlineLimit ?? reportPaging.inlineLimit;
  const hash = reportInputsHash(opts, inlineLimit, opts.chunkSize ?? CHUNK_SIZE, digest);
  const outputs = records > inlineLimit ? [outFile, join(reportDataDir(outFile), 'index.js'), join(reportDataDir(outFile), 'search.js')] : [outFile];
  return isUpToDate(fileInputsMarker(outFile), hash, outputs);
}

/**
 * Write the report for a run's records to `outFile` (atomically). Returns the path. Up to
 * INLINE_LIMIT transcripts it is one self-contained file; above, the page stays small and its data
 * goes to `<name>.data/` beside it (index.js for the filters, chunk-<n>.js with CHUNK_SIZE full
 * transcripts each, search.js, search-<n>.js and search-p<k>.js for the text search: report/searchIndex.ts), loaded by the page as it needs them: the first page opens after one chunk.
 * Move the page and its folder together. The files are left as they are when the records and
 * options hash as they did at the last write (see core/inputsHash.ts); otherwise the records go
 * through a ReportWriter.
 */
export function writeReport(records: SampleRecord[], outFile: string, opts: WriteReportOptions = {}): string {
  const digest = recordsDigest(records);
  if (!opts.force && isReportCurrent(outFile, opts, digest, records.length)) return outFile;
  const writer = new ReportWriter(outFile, opts);
  for (const record of records) writer.add(record);
  return writer.finish(digest);
}
