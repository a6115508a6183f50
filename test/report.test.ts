// The transcript report as a file: data embedded safely, the SIMULATED banner, nothing external.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml, reportRow, writeReport } from '../src/report/index.js';
import { jsonForScript } from '../src/core/safeJson.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

const PLANTED = '</script><script>window.pwned = 1</script><!--<script> \u2028\u2029 <img src=x onerror="window.pwned = 2">';

function embeddedData(html: string): unknown {
  const match = /<script type="application\/json" id="af-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'data element present');
  return JSON.parse(match[1]);
}

test('transcripts holding </script>, comments and U+2028 stay inside the data element and round-trip exactly', () => {
  const records = syntheticRecords({ requests: 3 });
  records[0].finalOutput = PLANTED;
  records[1].scratchpad = PLANTED;
  records[2].request = { ...records[2].request, text: PLANTED };
  const html = reportHtml(records);
  // The page's own script elements only: the data, and the client script.
  assert.equal(html.match(/<\/script/gi)!.length, 2);
  assert.equal(html.match(/<script/gi)!.length, 2);
  assert.ok(!html.includes('\u2028') && !html.includes('\u2029'));
  assert.deepEqual(embeddedData(html), JSON.parse(JSON.stringify(records.map(reportRow))));
});

test('jsonForScript escapes every character that could end or confuse a script element', () => {
  const text = jsonForScript({ a: '</SCRIPT>', b: '<!--', c: '&amp;', d: '\u2028' });
  assert.ok(!/[<>&\u2028\u2029]/.test(text));
  assert.deepEqual(JSON.parse(text), { a: '</SCRIPT>', b: '<!--', c: '&amp;', d: '\u2028' });
});

test('a simulated run gets the SIMULATED banner with its count; a real run does not', () => {
  const simulated = reportHtml(syntheticRecords({ requests: 2, simulated: true }));
  assert.match(simulated, /id="simulated-banner">SIMULATED: 32 of 32 transcripts/);
  const real = reportHtml(syntheticRecords({ requests: 2, simulated: false }));
  assert.ok(!real.includes('simulated-banner'));
});

test('the report loads nothing from outside the file and forbids it by content security policy', () => {
  const html = reportHtml(syntheticRecords({ requests: 2 }));
  assert.ok(!/<(script|link|img|iframe)[^>]+(src|href)=/i.test(html));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('each row carries what the report shows: labels, votes, usage and cost', () => {
  const [record] = syntheticRecords({ requests: 1, models: ['m'], variants: ['v'] });
  record.costUsd = 0.0123;
  const row = reportRow(record);
  assert.equal(row.af?.votes.length, 20);
  assert.equal(row.compliance?.score, record.labels.compliance?.score);
  assert.equal(row.proxy, record.labels.proxy.complied);
  assert.deepEqual([row.inputTokens, row.outputTokens, row.costUsd], [record.usage.inputTokens, record.usage.outputTokens, 0.0123]);
  // Which of the AF criteria failed (most votes did not find it), when the judgement has per-criterion answers.
  assert.equal(row.af?.criteria, null);
  const votes = Array.from({ length: 20 }, (_, i) => i < 3);
  record.labels.af = { ...record.labels.af!, votes, score: 0.15, label: 'no', criteria: { harm: 20, training: 19, harmlessness: 20, preservation: 3 } };
  assert.deepEqual(reportRow(record).af?.failed, ['preservation 3/20']);
  const dir = tempDir('af-report-');
  const file = writeReport([record], join(dir, 'nested', 'report.html'));
  assert.equal(readFileSync(file, 'utf8'), reportHtml([record]));
});
