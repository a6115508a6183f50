export { isReportCurrent, reportHtml, writeReport, ReportWriter, type ReportOptions, type WriteReportOptions } from './write.js';
export { ReportFactsAccumulator, reportFactsOf, type ReportFacts } from './pageFacts.js';
export { reportRow, type ReportRow } from './rows.js';
