// The transcript report: one HTML file per run (no network), with every transcript, its labels and
// its cost, filterable in the browser. Self-contained up to INLINE_LIMIT transcripts; above, its
// data is paged into files beside it so a 100k-sample report opens its first page at once.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { SampleRecord } from '../core/types.js';
import { writeFileAtomic } from '../core/files.js';
import { fileInputsMarker, forgetInputs, inputsHash, isUpToDate, recordInputs, recordsDigest } from '../core/inputsHash.js';
import { REPORT_CSS, REPORT_SCRIPT } from './client.js';
import { reportRow, type ReportRow } from './rows.js';
import { escapeHtml, jsonForScript } from '../core/safeJson.js';
import { complianceSourceOf } from '../plots/figureInputs.js';
import { simulatedLabelKinds } from '../summary/build.js';
import type { ComplianceSource } from '../plots/inputs.js';

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
/** Transcripts per side-file chunk: one page of 50 loads one chunk. */
export const CHUNK_SIZE = 1_000;

export interface WriteReportOptions extends ReportOptions {
  /** Rewrite the file even when its inputs are unchanged since the last write. */
  force?: boolean;
  /** Above this many transcripts the data is paged into side files (default INLINE_LIMIT). */
  inlineLimit?: number;
  /** Transcripts per side file when paged (default CHUNK_SIZE). */
  chunkSize?: number;
}

const labelOptions = (source: ComplianceSource): Array<[string, string]> => [
  ['', 'any'],
  ['complied', `complied (${source === 'judge' ? 'LLM judge' : 'prefix proxy'})`],
  ['refused', `refused (${source === 'judge' ? 'LLM judge' : 'prefix proxy'})`],
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

/** The report as one HTML string. */
export function reportHtml(records: SampleRecord[], opts: ReportOptions = {}, paged?: PagedData): string {
  const runs = [...new Set(records.map((r) => r.run))];
  const title = opts.title ?? `af-lab transcripts — ${runs.join(', ') || 'no records'}`;
  const simulated = records.filter((r) => r.simulated).length;
  const banner =
    simulated > 0
      ? `<div class="simulated" id="simulated-banner">SIMULATED: ${simulated} of ${records.length} transcripts come from af-lab's simulator. They test the pipeline and measure nothing about any model.</div>`
      : '';
  const labelKinds = simulatedLabelKinds(records);
  const labelsBanner = labelKinds.length
    ? `<div class="simulated" id="simulated-labels-banner">SIMULATED labels: the ${escapeHtml(labelKinds.join(', '))} labels of these real transcripts come from af-lab's simulated judge (sim/judge). They test the pipeline and measure nothing; compliance below is by the prefix proxy.</div>`
    : '';
  const data = paged ? '' : jsonForScript(records.map(reportRow));
  const source = complianceSourceOf(records);
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
  <label>text<input id="f-text" type="search" placeholder="search request, scratchpad, output"></label>
</div>
<div class="status-line"><span><b id="count">0</b> of <span id="total">0</span> transcripts match</span>
<button id="prev" type="button">◀ previous</button><span id="page"></span><button id="next" type="button">next ▶</button></div>
</header>
<main>
<table class="summary" id="summary"></table>
<div id="list"></div>
</main>
${paged ? `<script type="application/json" id="af-paged">${jsonForScript(paged)}</script>` : `<script type="application/json" id="af-data">${data}</script>`}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * What the filters and the per-condition table read of every row, without the texts, packed small
 * (a 100k-transcript index is a few MB): strings as positions in per-column lists, booleans as
 * 0 (false) / 1 (true) / 2 (null), -1 for a label object the row does not have. report/client.ts
 * unpacks it (afReportIndex).
 */
function packedIndex(rows: Iterable<ReportRow>) {
  const columns = { model: [] as unknown[], variant: [] as unknown[], reasoning: [] as unknown[], tier: [] as unknown[], status: [] as unknown[], af: [] as unknown[] };
  const lookup = new Map<string, Map<unknown, number>>();
  const code = (column: keyof typeof columns, value: unknown) => {
    let map = lookup.get(column);
    if (!map) lookup.set(column, (map = new Map()));
    let at = map.get(value);
    if (at === undefined) {
      at = columns[column].push(value) - 1;
      map.set(value, at);
    }
    return at;
  };
  const tri = (value: boolean | null | undefined) => (value === true ? 1 : value === false ? 0 : 2);
  const packed: number[] = [];
  for (const row of rows) {
    packed.push(
      code('model', row.model),
      code('variant', row.variant),
      code('reasoning', row.reasoning),
      code('tier', row.tier),
      code('status', row.status),
      tri(row.proxy),
      tri(row.heuristic),
      row.judge ? tri(row.judge.complied) : -1,
      row.af ? code('af', row.af.label) : -1,
      row.partial ? tri(row.partial.partial) : -1,
    );
  }
  return { ...columns, width: 10, rows: packed };
}

/** Remove the side files an earlier paged write left (only ours: the folder may be the user's). */
function removeReportData(dataDir: string): void {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return;
  }
  for (const name of names) if (/^(chunk-\d+|index)\.js$/.test(name)) rmSync(join(dataDir, name), { force: true });
  if (readdirSync(dataDir).length === 0) rmSync(dataDir, { recursive: true, force: true });
}

/** `report.html` keeps its data in `report.data/`. */
export const reportDataDir = (outFile: string): string => join(dirname(outFile), `${basename(outFile, extname(outFile))}.data`);

/**
 * Write the report for a run's records to `outFile` (atomically). Returns the path. Up to
 * INLINE_LIMIT transcripts it is one self-contained file; above, the page stays small and its data
 * goes to `<name>.data/` beside it (index.js for the filters, chunk-<n>.js with CHUNK_SIZE full
 * transcripts each), loaded by the page as it needs them: the first page opens after one chunk.
 * Move the page and its folder together. The files are left as they are when the records and
 * options hash as they did at the last write (see core/inputsHash.ts).
 */
export function writeReport(records: SampleRecord[], outFile: string, opts: WriteReportOptions = {}): string {
  const marker = fileInputsMarker(outFile);
  const inlineLimit = opts.inlineLimit ?? INLINE_LIMIT;
  const hash = inputsHash('report', REPORT_SCRIPT, REPORT_CSS, opts.title ?? null, inlineLimit, opts.chunkSize ?? CHUNK_SIZE, recordsDigest(records));
  const dataDir = reportDataDir(outFile);
  const outputs = records.length > inlineLimit ? [outFile, join(dataDir, 'index.js')] : [outFile];
  if (!opts.force && isUpToDate(marker, hash, outputs)) return outFile;
  forgetInputs(marker);
  removeReportData(dataDir);
  if (records.length <= inlineLimit) {
    writeFileAtomic(outFile, reportHtml(records, opts));
  } else {
    const chunkSize = opts.chunkSize ?? CHUNK_SIZE;
    const chunks = Math.ceil(records.length / chunkSize);
    const indexRows: ReportRow[] = [];
    for (let n = 0; n < chunks; n++) {
      const rows = records.slice(n * chunkSize, (n + 1) * chunkSize).map(reportRow);
      for (const row of rows) indexRows.push(row);
      writeFileAtomic(join(dataDir, `chunk-${n}.js`), `afReportChunk(${n},${jsonForScript(rows)});\n`, { durable: false });
    }
    writeFileAtomic(join(dataDir, 'index.js'), `afReportIndex(${jsonForScript(packedIndex(indexRows))});\n`, { durable: false });
    writeFileAtomic(outFile, reportHtml(records, opts, { dir: basename(dataDir), chunks, chunkSize }));
  }
  recordInputs(marker, hash);
  return outFile;
}
