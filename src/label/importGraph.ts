// What a user's scorer file is made of: the file itself, every local module it imports (relative
// specifiers, followed transitively, resolved as tsx and node resolve them), and each package it imports
// by name@version. Its identity is the hash of that list, so an edited helper scores again, and an
// untouched scorer (wherever its folder is moved) does not.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { sha256 } from '../core/hash.js';
import { readInputBytes } from '../core/safeIo.js';

export interface ImportGraph {
  /** Local files, the scorer first, each with the sha256 of its bytes; `path` relative to the scorer's folder (what is hashed), `file` absolute. */
  files: Array<{ path: string; file: string; sha256: string }>;
  /** Packages imported by the scorer or its local modules, as `name@version` (not followed further), sorted. */
  packages: string[];
}

// Every quoted specifier after `from`, `import`, `import(` or `require(`: static imports and re-exports,
// side-effect imports, dynamic imports with a literal and CommonJS requires. A match inside a comment or
// a string only adds a file to hash (or nothing, when it does not resolve): more, never less.
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(['"])([^'"\n\r]+)\1/g;
// `import type { X } from '...'` and `export type { X } from '...'` are erased when TypeScript is run:
// what they name cannot change a score, so they are left out (a type imported with `{ type X, y }` is not).
const TYPE_ONLY = /\b(?:import|export)\s+type\s+[^'";]*?\bfrom\s*(['"])[^'"\n\r]+\1/g;

/** The specifiers a module's text names at run time, in order, each once. */
export function importSpecifiers(text: string): string[] {
  return [...new Set([...text.replace(TYPE_ONLY, '').matchAll(SPECIFIER)].map((match) => match[2]))];
}

// tsx lets a TypeScript file import its neighbour by the name it will have once compiled (`./x.js` for
// x.ts) and without an extension, as CommonJS does; node needs the exact name. Tried in this order.
const COMPILED_TO_SOURCE: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** The file a relative specifier names from `importer`, as tsx (or node) finds it; undefined when none. */
export function resolveLocal(specifier: string, importer: string): string | undefined {
  const target = resolve(dirname(importer), specifier.split(/[?#]/)[0]);
  if (isFile(target)) return target;
  const ext = extname(target);
  for (const source of COMPILED_TO_SOURCE[ext] ?? []) {
    const candidate = target.slice(0, -ext.length) + source;
    if (isFile(candidate)) return candidate;
  }
  for (const candidate of [...EXTENSIONS.map((e) => target + e), ...EXTENSIONS.map((e) => join(target, `index${e}`))]) if (isFile(candidate)) return candidate;
  return undefined;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const packageJsonSchema = z.looseObject({ version: z.string().optional() });

/** The version of the package `name` as node finds it from `importer` (the nearest node_modules up); undefined when not installed. */
export function packageVersion(name: string, importer: string): string | undefined {
  for (let dir = dirname(importer); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', ...name.split('/'), 'package.json');
    if (existsSync(manifest)) {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(manifest, 'utf8'));
      } catch {
        return 'unreadable';
      }
      const parsed = packageJsonSchema.safeParse(value);
      return parsed.success ? parsed.data.version ?? 'unversioned' : 'unreadable';
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The scorer file's local import graph and the packages it uses (see ImportGraph). */
export function importGraph(scorerFile: string, fix?: string): ImportGraph {
  const root = resolve(scorerFile);
  const base = dirname(root);
  const files: ImportGraph['files'] = [];
  const packages = new Set<string>();
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length) {
    const file = queue.shift()!;
    const bytes = readInputBytes(file, file === root ? 'scorer file' : `a module ${scorerFile} imports`, { fix });
    files.push({ path: relative(base, file).split(sep).join('/'), file, sha256: sha256(bytes) });
    // JSON imports are data: hashed, not scanned.
    if (extname(file).toLowerCase() === '.json') continue;
    for (const specifier of importSpecifiers(bytes.toString('utf8'))) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
        const path = specifier.startsWith('file:') ? resolveLocal(new URL(specifier).pathname, file) : resolveLocal(specifier, file);
        if (path && !seen.has(path) && !path.split(sep).includes('node_modules')) {
          seen.add(path);
          queue.push(path);
        }
      } else if (!isBuiltin(specifier) && !specifier.startsWith('node:')) {
        const name = packageName(specifier);
        const version = packageVersion(name, file);
        if (version !== undefined) packages.add(`${name}@${version}`);
      }
    }
  }
  return { files, packages: [...packages].sort() };
}

/**
 * The identity stored with a scorer file's scores. A file that imports nothing keeps its own sha256 (what
 * runs before imports were hashed stored: they are not scored again); otherwise the hash of its graph.
 */
export function importGraphHash(graph: ImportGraph): string {
  if (graph.files.length === 1 && graph.packages.length === 0) return graph.files[0].sha256;
  const files = [graph.files[0], ...graph.files.slice(1).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))];
  return sha256(JSON.stringify({ files: files.map((f) => [f.path, f.sha256]), packages: graph.packages }));
}
