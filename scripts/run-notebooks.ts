// `npm run notebooks`: execute every notebook in notebooks/ in order with the real tslab kernel and
// write the outputs in place. No Python needed: af-lab's own Jupyter client drives the kernel.
//   tsx scripts/run-notebooks.ts [notebook.ipynb ...] [--check] [--out <dir>]
// --check runs them without writing; --out writes executed copies into <dir> instead of in place.
import { readdirSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { executeNotebookFile, NotebookCellError } from '../tools/notebook-kernel/execute.js';

const root = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { check: { type: 'boolean', default: false }, out: { type: 'string' } },
});

const notebookDir = join(root, 'notebooks');
const paths = positionals.length
  ? positionals.map((path) => resolve(path))
  : readdirSync(notebookDir)
      .filter((name) => name.endsWith('.ipynb'))
      .sort()
      .map((name) => join(notebookDir, name));

const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` };
let failed = false;
for (const path of paths) {
  const started = Date.now();
  process.stdout.write(`${basename(path)} `);
  try {
    await executeNotebookFile(path, {
      env,
      write: !values.check && !values.out,
      outputPath: values.out ? join(resolve(values.out), basename(path)) : undefined,
      onCell: () => process.stdout.write('.'),
    });
    console.log(` ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed = true;
    console.log(' FAILED');
    console.error(err instanceof NotebookCellError ? err.message : err);
    break; // later notebooks read what earlier ones wrote to data/
  }
}
process.exit(failed ? 1 : 0);
