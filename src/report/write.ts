// The transcript report: one self-contained HTML file per run (no network, no external files),
// with every transcript, its labels and its cost, filterable in the browser.
import type { SampleRecord } from '../core/types.js';
import { writeFileAtomic } from '../core/files.js';
import { fileInputsMarker, forgetInputs, inputsHash, isUpToDate, recordInputs } from '../core/inputsHash.js';
import { REPORT_CSS, REPORT_SCRIPT } from './client.js';
import { reportRow } from './rows.js';
import { escapeHtml, jsonForScript } from '../core/safeJson.js';
import { complianceSourceOf } from '../plots/figureInputs.js';
import { simulatedLabelKinds } from '../summary/build.js';
import type { ComplianceSource } from '../plots/inputs.js';

export interface ReportOptions {
  /** Page title; defaults to the run name of the records. */
  title?: string;
}

export interface WriteReportOptions extends ReportOptions {
  /** Rewrite the file even when its inputs are unchanged since the last write. */
  force?: boolean;
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
export function reportHtml(records: SampleRecord[], opts: ReportOptions = {}): string {
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
  const data = jsonForScript(records.map(reportRow));
  const source = complianceSourceOf(records);
  if (/<\/script/i.test(REPORT_SCRIPT)) throw new Error('report script must not contain </script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
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
<script type="application/json" id="af-data">${data}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Write the report for a run's records to `outFile` (atomically). Returns the path. The file is left
 * as it is when the records and options hash as they did at the last write (see core/inputsHash.ts).
 */
export function writeReport(records: SampleRecord[], outFile: string, opts: WriteReportOptions = {}): string {
  const marker = fileInputsMarker(outFile);
  const hash = inputsHash('report', REPORT_SCRIPT, REPORT_CSS, opts.title ?? null, records);
  if (!opts.force && isUpToDate(marker, hash, [outFile])) return outFile;
  forgetInputs(marker);
  writeFileAtomic(outFile, reportHtml(records, opts));
  recordInputs(marker, hash);
  return outFile;
}
