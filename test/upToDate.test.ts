// Figures and the transcript report are rewritten only when their inputs changed (issue 17): the
// inputs' hash is stored beside them, an unchanged write is skipped (no browser launched), and a
// changed input, a missing output, a stale marker or `force` rewrites them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFigures } from '../src/plots/export.js';
import { writeReport } from '../src/report/write.js';
import { fileInputsMarker, folderInputsMarker } from '../src/core/inputsHash.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

const NO_BROWSER = { env: { PATH: '' }, knownPaths: [] as string[] };

test('writeFigures with unchanged inputs rewrites nothing, and redraws when the records change', async () => {
  const dir = tempDir();
  const records = syntheticRecords({ requests: 5 });
  const first = await writeFigures(records, dir, { images: false });
  assert.notEqual(first.unchanged, true);
  assert.match(readFileSync(folderInputsMarker(dir), 'utf8'), /^[0-9a-f]{64}\n$/);
  // Mark a file: a skipped write leaves the mark, a rewrite replaces it.
  const power = join(dir, 'power.html');
  writeFileSync(power, 'left as it was');
  const second = await writeFigures(syntheticRecords({ requests: 5 }), dir, { images: false });
  assert.equal(second.unchanged, true);
  assert.deepEqual(second.figures.map((f) => f.name), first.figures.map((f) => f.name));
  assert.equal(readFileSync(power, 'utf8'), 'left as it was');

  const changed = await writeFigures(syntheticRecords({ requests: 6 }), dir, { images: false });
  assert.notEqual(changed.unchanged, true);
  assert.match(readFileSync(power, 'utf8'), /<title>Power — af-lab<\/title>/);
});

test('writeFigures redraws when an output is missing, when forced, and when the marker is stale', async () => {
  const dir = tempDir();
  const records = syntheticRecords({ requests: 5 });
  await writeFigures(records, dir, { images: false });
  rmSync(join(dir, 'outcomes.html'));
  assert.notEqual((await writeFigures(records, dir, { images: false })).unchanged, true);
  assert.ok(existsSync(join(dir, 'outcomes.html')));

  writeFileSync(join(dir, 'power.html'), 'mark');
  assert.notEqual((await writeFigures(records, dir, { images: false, force: true })).unchanged, true);
  assert.notEqual(readFileSync(join(dir, 'power.html'), 'utf8'), 'mark');

  writeFileSync(folderInputsMarker(dir), `${'0'.repeat(64)}\n`);
  writeFileSync(join(dir, 'power.html'), 'mark');
  assert.notEqual((await writeFigures(records, dir, { images: false })).unchanged, true);
  assert.notEqual(readFileSync(join(dir, 'power.html'), 'utf8'), 'mark');
});

test('figures drawn without a browser are not redrawn while there is still none; HTML-only and image hashes differ', async () => {
  const dir = tempDir();
  const records = syntheticRecords({ requests: 5 });
  const lines: string[] = [];
  const first = await writeFigures(records, dir, { ...NO_BROWSER, log: (l) => lines.push(l) });
  assert.equal(first.images, false);
  writeFileSync(join(dir, 'power.html'), 'mark');
  const again = await writeFigures(records, dir, { ...NO_BROWSER, log: (l) => lines.push(l) });
  assert.equal(again.unchanged, true);
  assert.equal(again.images, false);
  assert.match(again.note ?? '', /apt-get install chromium/);
  assert.equal(readFileSync(join(dir, 'power.html'), 'utf8'), 'mark');
  assert.equal(lines.length, 1, 'the missing browser is reported once, when the HTML was written');
  // Asking for HTML only hashes like a run drawn without a browser: still nothing to do.
  assert.equal((await writeFigures(records, dir, { images: false })).unchanged, true);
});

test('writeReport skips an unchanged report and rewrites a changed one', () => {
  const dir = tempDir();
  const file = join(dir, 'report.html');
  writeReport(syntheticRecords({ requests: 4 }), file);
  assert.match(readFileSync(fileInputsMarker(file), 'utf8'), /^[0-9a-f]{64}\n$/);
  writeFileSync(file, 'left as it was');
  writeReport(syntheticRecords({ requests: 4 }), file);
  assert.equal(readFileSync(file, 'utf8'), 'left as it was');
  writeReport(syntheticRecords({ requests: 4 }), file, { title: 'another title' });
  assert.match(readFileSync(file, 'utf8'), /<title>another title<\/title>/);
  writeFileSync(file, 'left as it was');
  writeReport(syntheticRecords({ requests: 4 }), file, { title: 'another title', force: true });
  assert.match(readFileSync(file, 'utf8'), /^<!doctype html>/);
  rmSync(file);
  writeReport(syntheticRecords({ requests: 4 }), file, { title: 'another title' });
  assert.ok(existsSync(file));
});
