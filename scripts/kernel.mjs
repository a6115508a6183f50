// `npm run kernel`: register the tslab kernels (TypeScript, JavaScript) with the Python that has
// Jupyter, and say which one it was. `npx tslab install` alone runs the first `python3` on PATH,
// which fails where that is not the Python Jupyter was installed into (a pyenv shim, an inactive
// virtual environment). The Python is found in this order: the one `jupyter` on PATH runs (its
// `#!` line), `python3` on PATH, /usr/bin/python3 (Debian's jupyter-notebook); the first that can
// import jupyter_client is used. `--python /path` names it instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An executable named `name` on `path` (a PATH string), or undefined. */
export function onPath(name, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The interpreter a script's `#!` line names (`#!/usr/bin/python3`, `#!/usr/bin/env python3`), or undefined. */
export function shebangPython(script, path = process.env.PATH ?? '') {
  let first;
  try {
    first = readFileSync(script, 'utf8').split('\n', 1)[0];
  } catch {
    return undefined;
  }
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!match) return undefined;
  if (/\/env$/.test(match[1]) && match[2]) return onPath(match[2], path);
  return /python/.test(match[1]) ? match[1] : undefined;
}

const hasJupyter = (python) => spawnSync(python, ['-c', 'import jupyter_client'], { stdio: 'ignore' }).status === 0;

/** The Python to install the kernels with, and how it was found; undefined when none has Jupyter. */
export function findJupyterPython({ path = process.env.PATH ?? '', check = hasJupyter } = {}) {
  const jupyter = onPath('jupyter', path);
  const candidates = [
    ...(jupyter ? [[shebangPython(jupyter, path), `the Python that runs ${jupyter}`]] : []),
    [onPath('python3', path), 'python3 on PATH'],
    ['/usr/bin/python3', "Debian's /usr/bin/python3"],
  ];
  for (const [python, how] of candidates) {
    if (python && existsSync(python) && check(python)) return { python, how };
  }
  return undefined;
}

function main(argv) {
  const named = argv.indexOf('--python');
  const found = named >= 0 ? { python: argv[named + 1], how: 'named with --python' } : findJupyterPython();
  if (!found?.python) {
    console.error('error: no Python with Jupyter found (tried the one `jupyter` runs, python3 on PATH, /usr/bin/python3). Fix: install Jupyter (pip install notebook, or apt-get install jupyter-notebook), or name its Python: npm run kernel -- --python /path/to/python3.');
    process.exit(2);
  }
  console.log(`Installing the tslab kernels with ${found.python} (${found.how}).`);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const tslab = join(root, 'node_modules', '.bin', 'tslab');
  const result = spawnSync(tslab, ['install', `--python=${found.python}`], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log(`Done: check with \`${found.python} -m jupyter kernelspec list\`; start Jupyter with node_modules/.bin on PATH.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
