// `npm run kernel` installs the tslab kernel with the Python that has Jupyter: the one the `jupyter`
// command runs (its #! line), else python3 on PATH, else /usr/bin/python3; never a Python without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain ES module script, without type declarations
import { findJupyterPython, shebangPython } from '../scripts/kernel.mjs';
import { tempDir } from './helpers/tmp.js';

test("the Python that runs `jupyter` is found before a python3 shim on PATH that lacks Jupyter", () => {
  const dir = tempDir();
  try {
    const bin = join(dir, 'bin');
    const venv = join(dir, 'venv', 'bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(venv, { recursive: true });
    for (const file of [join(bin, 'python3'), join(venv, 'python3')]) {
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
    }
    writeFileSync(join(bin, 'jupyter'), `#!${join(venv, 'python3')}\nimport sys\n`);
    const withJupyter = new Set([join(venv, 'python3')]);
    const found = findJupyterPython({ path: bin, check: (python: string) => withJupyter.has(python) });
    assert.deepEqual(found, { python: join(venv, 'python3'), how: `the Python that runs ${join(bin, 'jupyter')}` });
    // `#!/usr/bin/env python3` resolves on PATH.
    writeFileSync(join(bin, 'jupyter'), '#!/usr/bin/env python3\n');
    assert.equal(shebangPython(join(bin, 'jupyter'), bin), join(bin, 'python3'));
    // No jupyter command: python3 on PATH when it has Jupyter; none at all when nothing has.
    rmSync(join(bin, 'jupyter'));
    assert.deepEqual(findJupyterPython({ path: bin, check: () => true }), { python: join(bin, 'python3'), how: 'python3 on PATH' });
    assert.equal(findJupyterPython({ path: bin, check: () => false }), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
