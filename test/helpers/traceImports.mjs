// Preload (`node --import ./test/helpers/traceImports.mjs`) that writes every module a process loads
// to the file named by AF_LAB_TRACE_IMPORTS, one URL or path a line: ES modules through a resolve
// hook, CommonJS ones from require's cache at exit. test/startup.test.ts reads it.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.AF_LAB_TRACE_IMPORTS;
if (out) {
  register('./traceHooks.mjs', import.meta.url, { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, `${Object.keys(require.cache).join('\n')}\n`));
}
