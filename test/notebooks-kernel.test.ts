// The headless notebook runner: Jupyter wire format, nbformat storage, and real executions of small
// notebooks in the project's tslab kernel (no Python involved).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeMessage, encodeMessage, newMessage } from '../tools/notebook-kernel/wire.js';
import { readNotebook, serializeNotebook, splitLines, type Notebook } from '../tools/notebook-kernel/nbformat.js';
import { executeNotebookFile, NotebookCellError } from '../tools/notebook-kernel/execute.js';
import { writeFileSync } from 'node:fs';
import { tempDir } from './helpers/tmp.js';

const scratch = tempDir('af-lab-nb-');
after(() => rmSync(scratch, { recursive: true, force: true }));

function notebookOf(...sources: string[]): Notebook {
  return {
    cells: sources.map((source) => ({ cell_type: 'code' as const, metadata: {}, source, outputs: [], execution_count: null })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function save(name: string, notebook: Notebook): string {
  const path = join(scratch, name);
  writeFileSync(path, serializeNotebook(notebook));
  return path;
}

describe('Jupyter wire format', () => {
  test('a signed message decodes to the same header and content', () => {
    const message = newMessage('execute_request', 'session-1', { code: '1 + 1' });
    const frames = encodeMessage(message, 'secret').map((frame) => Buffer.from(frame));
    const decoded = decodeMessage([Buffer.from('routing-id'), ...frames], 'secret');
    assert.deepEqual(decoded.header, message.header);
    assert.deepEqual(decoded.content, { code: '1 + 1' });
  });

  test('a message signed with another key is rejected', () => {
    const frames = encodeMessage(newMessage('status', 's', {}), 'other-key').map((frame) => Buffer.from(frame));
    assert.throws(() => decodeMessage(frames, 'secret'), /invalid HMAC/);
  });
});

describe('nbformat storage', () => {
  test('multi-line strings are stored as lines that keep their newline, base64 images as one string', () => {
    assert.deepEqual(splitLines('a\nb\n\nc'), ['a\n', 'b\n', '\n', 'c']);
    const notebook = notebookOf('const x = 1;\nx');
    const cell = notebook.cells[0];
    if (cell.cell_type !== 'code') throw new Error('expected a code cell');
    cell.outputs.push({ output_type: 'display_data', data: { 'text/html': '<b>\n</b>', 'image/png': 'iVBOR\nw0' }, metadata: {} });
    const stored = JSON.parse(serializeNotebook(notebook));
    assert.deepEqual(stored.cells[0].source, ['const x = 1;\n', 'x']);
    assert.deepEqual(stored.cells[0].outputs[0].data['text/html'], ['<b>\n', '</b>']);
    assert.equal(stored.cells[0].outputs[0].data['image/png'], 'iVBOR\nw0');
  });
});

describe('executing notebooks in the tslab kernel', () => {
  test('outputs are collected per cell, and an overwritable display keeps only its last state', async () => {
    const path = save(
      'ok.ipynb',
      notebookOf(
        "console.log('hello from', 'tslab');",
        "import * as tslab from 'tslab';\nconst progress = tslab.newDisplay();\nfor (let i = 1; i <= 3; i++) progress.html(`<b>${i}/3</b>`);",
        "tslab.display.html('<table><tr><td>cell</td></tr></table>');\nconst answer: number = 6 * 7;\nconsole.error('warning only');\nanswer",
      ),
    );
    const executed = await executeNotebookFile(path, { write: true });
    const cells = executed.cells.map((cell) => (cell.cell_type === 'code' ? cell : assert.fail('code cells only')));
    assert.deepEqual(cells.map((cell) => cell.execution_count), [1, 2, 3]);
    assert.deepEqual(cells[0].outputs, [{ output_type: 'stream', name: 'stdout', text: 'hello from tslab\n' }]);
    assert.deepEqual(cells[1].outputs, [{ output_type: 'display_data', data: { 'text/html': '<b>3/3</b>' }, metadata: {} }]);
    assert.equal(cells[2].outputs.length, 3);
    assert.deepEqual(cells[2].outputs[0], { output_type: 'display_data', data: { 'text/html': '<table><tr><td>cell</td></tr></table>' }, metadata: {} });
    assert.ok(cells[2].outputs.some((o) => o.output_type === 'stream' && o.name === 'stdout' && o.text === '42\n'));
    // written in place, in Jupyter's on-disk form
    const onDisk = readNotebook(path);
    assert.equal((onDisk.metadata.language_info as { name: string }).name, 'typescript');
    assert.match(readFileSync(path, 'utf8'), /^\{\n "cells": \[/);
  });

  test('a type error stops the run at that cell, reports it, and leaves the file untouched', async () => {
    const original = notebookOf("const n: number = 1;", "const s: string = n;", "console.log('never runs');");
    const path = save('bad.ipynb', original);
    const before = readFileSync(path, 'utf8');
    await assert.rejects(executeNotebookFile(path, { write: true }), (err: unknown) => {
      assert.ok(err instanceof NotebookCellError);
      assert.equal(err.cellIndex, 1);
      assert.match(err.errorText, /not assignable to type 'string'/);
      const third = err.notebook.cells[2];
      assert.ok(third.cell_type === 'code' && third.execution_count === null && third.outputs.length === 0);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), before);
  });

  test('a thrown exception fails the cell', async () => {
    const path = save('throws.ipynb', notebookOf("throw new Error('boom in a cell');"));
    await assert.rejects(executeNotebookFile(path), (err: unknown) => err instanceof NotebookCellError && /boom in a cell/.test(err.errorText));
  });
});
