// What the command line prints fits a terminal and fails in one line: prose wraps and wide tables
// split by columns at the terminal's width (100 columns when not a terminal), each part repeating the
// first column; `estimate --setting` works; a usage error points at --help instead of dumping the
// usage; `run --models foo/bar` fails before printing anything else; the unknown-persona message
// lists every simulator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fitToWidth, outputWidth } from '../src/cli/fit.js';
import { runCli } from './helpers/cli.js';
import { UserError } from '../src/core/errors.js';
import { resolveModel } from '../src/models/index.js';

describe('printed output fits the terminal', () => {
  test('a long sentence wraps at spaces, its continuations indented, no line wider than the width', () => {
    const sentence = `  ${'the gap narrowed because the unmonitored rate rose '.repeat(12).trim()}`;
    const fitted = fitToWidth(sentence, 100).split('\n');
    assert.ok(fitted.length > 5);
    assert.ok(fitted.every((line) => line.length <= 100), fitted.join('\n'));
    assert.ok(fitted.slice(1).every((line) => line.startsWith('    ')));
    assert.equal(fitted.join(' ').replace(/\s+/g, ' ').trim(), sentence.trim());
  });

  test('a wide table is split into tables of whole columns, each with the first column', () => {
    const columns = Array.from({ length: 14 }, (_, i) => `column ${i}`.padEnd(18));
    const row = (name: string, cells: string[]) => [name.padEnd(12), ...cells].join('  ');
    const table = [row('model', columns), ['-'.repeat(12), ...columns.map((c) => '-'.repeat(c.length))].join('  '), row('sim/faker', columns.map((_, i) => String(i).padStart(18))), '', 'a closing line'].join('\n');
    const fitted = fitToWidth(table, 100);
    const lines = fitted.split('\n');
    assert.ok(lines.every((line) => line.length <= 100), fitted);
    // Every part has the header, rule and row, led by the first column; every column is printed once.
    const headers = lines.filter((line) => line.startsWith('model'));
    assert.ok(headers.length >= 3);
    assert.equal(lines.filter((line) => line.startsWith('sim/faker')).length, headers.length);
    assert.deepEqual(headers.flatMap((h) => h.match(/column \d+/g) ?? []), columns.map((c) => c.trim()));
    assert.equal(lines.at(-1), 'a closing line');
    // What fits is left as it is.
    assert.equal(fitToWidth(table, 400), table);
  });

  test('the width is the terminal\'s, else COLUMNS, else 100 columns when output is not a terminal', () => {
    assert.equal(outputWidth({ isTTY: true, columns: 132 }, { COLUMNS: '80' }), 132);
    assert.equal(outputWidth({ isTTY: false, columns: 132 }, {}), 100);
    assert.equal(outputWidth({}, {}), 100);
    assert.equal(outputWidth({}, { COLUMNS: '160' }), 160);
    for (const bad of ['', 'wide', '12', '80.5']) assert.equal(outputWidth({}, { COLUMNS: bad }), 100, bad);
  });
});

describe('the command line in one line', () => {
  test('estimate takes --setting', () => {
    const result = runCli(['estimate', '--setting', 'koorndijk-2025', '--models', 'openai/gpt-4o-mini', '--limit', '2']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /openai\/gpt-4o-mini/);
    assert.ok(result.stdout.split('\n').every((line) => line.length <= 100), result.stdout);
  });

  test('an unknown option is one line and a pointer to --help, not the usage', () => {
    const result = runCli(['estimate', '--nosuch']);
    assert.equal(result.status, 2);
    assert.doesNotMatch(result.stderr, /Options:|Usage:/);
    assert.match(result.stderr.trim(), /^error: unknown option '--nosuch'\n\(af-lab <command> --help lists the command's options\)$/);
  });

  test('run --models foo/bar fails before it prints anything else', () => {
    const result = runCli(['run', '--models', 'foo/bar', '--no-progress', '--no-images']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr.trim(), /^error: unknown provider "foo" in model spec "foo\/bar"\. Fix: use one of: [^\n]*$/);
  });

  test('an unknown persona lists every simulator, sim/reasoner included', async () => {
    await assert.rejects(resolveModel('sim/liar'), (err: unknown) => err instanceof UserError && /unknown simulator persona "liar"/.test(err.message) && /sim\/faker.*sim\/reasoner.*sim\/judge/.test(err.fix));
  });
});
