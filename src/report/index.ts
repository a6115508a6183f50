export { reportHtml, writeReport, type ReportOptions } from './write.js';
export { reportRow, type ReportRow } from './rows.js';
