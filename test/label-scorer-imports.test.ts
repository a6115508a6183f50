// A scorer file's identity covers what it imports: its local modules (relative specifiers, followed
// transitively and resolved as tsx and node resolve them) by content, and its packages by name@version.
// Editing a helper the scorer imports scores every record again, with the edited helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importGraph, importGraphHash, importSpecifiers, packageName, resolveLocal } from '../src/label/importGraph.js';
import { judgeRun, labelRecords, loadScorer } from '../src/label/index.js';
import { importScorerFile } from '../src/label/userScorer.js';
import { UserError } from '../src/core/errors.js';
import { record } from './judge-fixtures.js';
import { tempDir } from './helpers/tmp.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

test('the specifiers a module imports at run time: static, re-exported, side-effect, dynamic and required; type-only ones left out', () => {
  const text = [
    "import type { A } from './a.js';",
    "import { type B, c } from './b.js';",
    'export type { D } from "./d";',
    "import './side.js';",
    "const x = await import('./dyn.mjs');",
    'const y = require("pkg/sub");',
    "export * from '@scope/pkg/deep';",
    "import fs, { readFileSync } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importSpecifiers(text), ['./b.js', './side.js', './dyn.mjs', 'pkg/sub', '@scope/pkg/deep', 'node:fs']);
  assert.deepEqual(importSpecifiers("import type Def from './def.js'\nimport type * as NS from './ns.js'\nimport type {\n  A,\n  B,\n} from './many.js'\nexport type {C}from './c.js'\nimport './kept.js'\n"), ['./kept.js'], 'each form of a type-only import, over lines, without semicolons');
  assert.deepEqual([packageName('pkg/sub'), packageName('@scope/pkg/deep'), packageName('zod')], ['pkg', '@scope/pkg', 'zod']);
});

test('a file without semicolons: a type declaration never hides the imports after it', () => {
  assert.deepEqual(importSpecifiers('export type Options = { minWords: number }\nimport { countWords } from "./words.js"\n'), ['./words.js']);
  assert.deepEqual(importSpecifiers('export type { Thing }\nexport * from "./helper.js"\n'), ['./helper.js']);
  assert.deepEqual(importSpecifiers("import type from './type.js'\n"), ['./type.js'], 'a default import named `type`');
  assert.deepEqual(importSpecifiers("export type Pair = [string, string]\nimport type { T } from './t.js'\nconst t = 'export type {'\nimport { real } from './real.js'\n"), ['./real.js']);
  assert.deepEqual(importSpecifiers('const a = await import(`./tpl.js`)\nconst b = await import(`./${name}.js`)\n'), ['./tpl.js'], 'a template literal without ${} is followed');
});

test('a semicolon-free scorer whose helper follows a type declaration scores again when the helper is edited', async () => {
  const dir = tempDir('af-scorer-nosemi-');
  const scorer = join(dir, 'words.ts');
  writeFileSync(scorer, "export type Options = { minWords: number }\nimport { countWords } from './count.js'\nexport default { name: 'words', score: () => ({ value: countWords() }) }\n");
  writeFileSync(join(dir, 'count.ts'), 'export const countWords = () => 1\n');
  const before = (await loadScorer(scorer)).identity;
  writeFileSync(join(dir, 'count.ts'), 'export const countWords = () => 2\n');
  const after = await loadScorer(scorer);
  assert.notEqual(after.identity, before);
  assert.equal((await after.score(record(), {} as never)).value, 2);
});

test('a moved scorer folder keeps its identity, a module named by an absolute path or a file: URL (spaces too) included', () => {
  const root = tempDir('af-scorer-move-');
  const shared = join(root, 'shared dir');
  mkdirSync(shared);
  writeFileSync(join(shared, 'abs.ts'), 'export const a = 1;\n');
  writeFileSync(join(shared, 'url.ts'), 'export const u = 2;\n');
  const text = `import { a } from '${join(shared, 'abs.ts')}';\nimport { u } from '${pathToFileURL(join(shared, 'url.ts')).href}';\nimport { h } from './h.js';\nexport default { name: 'm', score: () => ({ value: a + u + h }) };\n`;
  for (const folder of ['one', 'two/deeper']) {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'scorer.ts'), text);
    writeFileSync(join(root, folder, 'h.ts'), 'export const h = 3;\n');
  }
  const one = importGraph(join(root, 'one', 'scorer.ts'), undefined, () => {});
  assert.deepEqual(one.files.map((f) => f.file).sort(), [join(root, 'one', 'h.ts'), join(root, 'one', 'scorer.ts'), join(shared, 'abs.ts'), join(shared, 'url.ts')].sort());
  assert.equal(importGraphHash(importGraph(join(root, 'two/deeper', 'scorer.ts'), undefined, () => {})), importGraphHash(one));
});

test('a "#" import follows the nearest package.json\'s imports (exact and patterns); an import af-lab cannot find is printed, named', () => {
  const dir = tempDir('af-scorer-subpath-');
  mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'fake-pkg'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'fake-pkg', 'package.json'), JSON.stringify({ name: 'fake-pkg', version: '2.0.0' }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ imports: { '#util': { types: './nowhere.d.ts', import: './src/util.js' }, '#lib/*': './src/lib/*.js', '#dep': 'fake-pkg' } }));
  writeFileSync(join(dir, 'src', 'util.ts'), 'export const u = 1;\n');
  writeFileSync(join(dir, 'src', 'lib', 'x.ts'), 'export const x = 2;\n');
  writeFileSync(join(dir, 'scorer.ts'), "import { u } from '#util';\nimport { x } from '#lib/x';\nimport '#dep';\nimport '#missing';\nimport '@alias/thing';\nexport default { name: 's', score: () => ({ value: u + x }) };\n");
  const warnings: string[] = [];
  const graph = importGraph(join(dir, 'scorer.ts'), undefined, (line) => warnings.push(line));
  assert.deepEqual(graph.files.map((f) => f.path), ['scorer.ts', 'src/util.ts', 'src/lib/x.ts']);
  assert.deepEqual(graph.packages, ['fake-pkg@2.0.0']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /"#missing", "@alias\/thing"/);
  const before = importGraphHash(graph);
  writeFileSync(join(dir, 'src', 'lib', 'x.ts'), 'export const x = 3;\n');
  assert.notEqual(importGraphHash(importGraph(join(dir, 'scorer.ts'), undefined, () => {})), before, 'an edit behind a "#" import is another identity');
});

test('a relative specifier resolves as tsx does: the exact file, x.js naming x.ts, no extension, a folder\'s index', () => {
  const dir = tempDir('af-scorer-resolve-');
  mkdirSync(join(dir, 'lib'));
  for (const file of ['a.ts', 'b.mjs', 'c.mts', 'lib/index.ts', 'plain.js']) writeFileSync(join(dir, file), '');
  const from = join(dir, 'scorer.ts');
  assert.equal(resolveLocal('./a.js', from), join(dir, 'a.ts'));
  assert.equal(resolveLocal('./a', from), join(dir, 'a.ts'));
  assert.equal(resolveLocal('./b.mjs', from), join(dir, 'b.mjs'));
  assert.equal(resolveLocal('./c.mjs', from), join(dir, 'c.mts'));
  assert.equal(resolveLocal('./lib', from), join(dir, 'lib', 'index.ts'));
  assert.equal(resolveLocal('./plain.js', from), join(dir, 'plain.js'));
  assert.equal(resolveLocal('./nowhere.js', from), undefined);
});

test('the graph: the scorer, its helpers transitively (each once, cycles included), packages by name@version', () => {
  const dir = tempDir('af-scorer-graph-');
  mkdirSync(join(dir, 'node_modules', 'fake-pkg'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'fake-pkg', 'package.json'), JSON.stringify({ name: 'fake-pkg', version: '1.2.3' }));
  writeFileSync(join(dir, 'scorer.ts'), "import { h } from './helper.js';\nimport 'fake-pkg';\nimport { join } from 'node:path';\nimport 'not-installed';\nexport default { name: 's', score: () => ({ value: h() }) };\n");
  writeFileSync(join(dir, 'helper.ts'), "import { k } from './deep/k';\nexport const h = () => k;\n");
  mkdirSync(join(dir, 'deep'));
  writeFileSync(join(dir, 'deep', 'k.ts'), "import '../helper.js';\nexport const k = 1;\n");
  const graph = importGraph(join(dir, 'scorer.ts'), undefined, () => {});
  assert.deepEqual(graph.files.map((f) => f.path), ['scorer.ts', 'helper.ts', 'deep/k.ts']);
  assert.equal(graph.files[1].sha256, sha(readFileSync(join(dir, 'helper.ts'), 'utf8')));
  assert.deepEqual(graph.packages, ['fake-pkg@1.2.3'], 'builtins and packages not installed are not in it');
  const before = importGraphHash(graph);
  // Another version of the package is another identity; so is an edited module two imports away.
  writeFileSync(join(dir, 'node_modules', 'fake-pkg', 'package.json'), JSON.stringify({ name: 'fake-pkg', version: '1.2.4' }));
  const upgraded = importGraphHash(importGraph(join(dir, 'scorer.ts')));
  assert.notEqual(upgraded, before);
  writeFileSync(join(dir, 'deep', 'k.ts'), "import '../helper.js';\nexport const k = 2;\n");
  assert.notEqual(importGraphHash(importGraph(join(dir, 'scorer.ts'))), upgraded);
  // A scorer that imports nothing keeps its file's own sha256 (what earlier runs stored).
  writeFileSync(join(dir, 'alone.mjs'), 'export default { name: "a", score: () => ({ value: 1 }) };\n');
  assert.equal(importGraphHash(importGraph(join(dir, 'alone.mjs'))), sha(readFileSync(join(dir, 'alone.mjs'), 'utf8')));
});

// A .ts file outside an ES module package runs as CommonJS (its modules cached by file name), inside one as an ES module.
for (const scope of ['CommonJS', 'ES module'] as const) {
  test(`editing a helper the scorer file imports scores every record again, with the edited helper; an untouched graph does not (${scope})`, async () => {
    const dir = tempDir('af-scorer-imports-');
    const runDir = join(dir, 'run');
    const scorer = join(dir, 'bonus.ts');
    writeFileSync(scorer, "import { bonus } from './helpers/bonus.js';\nexport default { name: 'bonus', score: () => ({ value: bonus() }) };\n");
    mkdirSync(join(dir, 'helpers'));
    writeFileSync(join(dir, 'helpers', 'bonus.ts'), 'export const bonus = () => 1;\n');
    if (scope === 'ES module') writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const records = [record(), record({ tier: 'paid' })];

    const first = await judgeRun(runDir, records, { kinds: [], scorers: [await loadScorer(scorer)] });
    assert.equal(first.judged.bonus, 2);
    const again = await judgeRun(runDir, records, { kinds: [], scorers: [await loadScorer(scorer)] });
    assert.deepEqual([again.judged.bonus, again.reused.bonus], [0, 2], 'nothing changed: nothing scored again');

    writeFileSync(join(dir, 'helpers', 'bonus.ts'), 'export const bonus = () => 5;\n');
    const edited = await loadScorer(scorer);
    const rescored = await judgeRun(runDir, records, { kinds: [], scorers: [edited] });
    assert.deepEqual([rescored.judged.bonus, rescored.reused.bonus], [2, 0]);
    assert.deepEqual(labelRecords(records, runDir).map((r) => r.labels.scores?.bonus.value), [5, 5], 'scored with the edited helper, not a cached copy');
  });
}

test('a scorer loaded through a symlinked folder (CommonJS) runs its edited helper, not the copy node cached under the real path', async () => {
  const root = tempDir('af-scorer-symlink-');
  const real = join(root, 'real');
  mkdirSync(real);
  symlinkSync(real, join(root, 'link'), 'dir');
  writeFileSync(join(real, 'linked.ts'), "import { bonus } from './bonus.js';\nexport default { name: 'linked', score: () => ({ value: bonus() }) };\n");
  writeFileSync(join(real, 'bonus.ts'), 'export const bonus = () => 1;\n');
  const first = await loadScorer(join(root, 'link', 'linked.ts'));
  assert.equal((await first.score(record(), {} as never)).value, 1);
  writeFileSync(join(real, 'bonus.ts'), 'export const bonus = () => 7;\n');
  const edited = await loadScorer(join(root, 'link', 'linked.ts'));
  assert.notEqual(edited.identity, first.identity);
  assert.equal((await edited.score(record(), {} as never)).value, 7, 'the new identity runs the new helper');
});

test('without tsx, a .js scorer whose helper changed since this process imported it is refused (node would run the old helper under the new identity)', async () => {
  const dir = tempDir('af-scorer-notsx-');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const scorer = join(dir, 'plain.js');
  writeFileSync(scorer, "import { bonus } from './bonus.js';\nexport default { name: 'plain', score: () => ({ value: bonus() }) };\n");
  writeFileSync(join(dir, 'bonus.js'), 'export const bonus = () => 1;\n');
  const load = async () => {
    const graph = importGraph(scorer);
    const module = (await importScorerFile(scorer, importGraphHash(graph), graph.files, Promise.resolve(undefined))) as { default: { score: () => { value: number } } };
    return module.default.score().value;
  };
  assert.equal(await load(), 1);
  assert.equal(await load(), 1, 'an unchanged helper loads again');
  writeFileSync(join(dir, 'bonus.js'), 'export const bonus = () => 2;\n');
  await assert.rejects(load(), (err: Error) => err instanceof UserError && /bonus\.js, which changed since this process first imported it/.test(err.message) && /restart the process/.test((err as UserError).fix ?? ''));
  writeFileSync(join(dir, 'bonus.js'), 'export const bonus = () => 1;\n');
  assert.equal(await load(), 1, 'put back as it was: loads again');
});
