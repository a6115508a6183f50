// What a user's scorer file is made of: the file itself, every local module it imports (relative and
// absolute specifiers, file: URLs and package.json `#` imports, followed transitively, resolved as tsx
// and node resolve them), and each package it imports by name@version. Its identity is the hash of that
// list, so an edited helper scores again, and an untouched scorer (wherever its folder is moved) does not.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { sha256 } from '../core/hash.js';
import { readInputBytes } from '../core/safeIo.js';

export interface ImportGraph {
  /** Local files, the scorer first, each with the sha256 of its bytes; `path` (what is hashed) relative to the scorer's folder, or absolute for a module named by an absolute path or file: URL; `file` absolute. */
  files: Array<{ path: string; file: string; sha256: string }>;
  /** Packages imported by the scorer or its local modules, as `name@version` (not followed further), sorted. */
  packages: string[];
}

// Every quoted specifier after `from`, `import`, `import(` or `require(`: static imports and re-exports,
// side-effect imports, dynamic imports with a literal (a template literal without `${}` too) and CommonJS
// requires. A match inside a comment or a string only adds a file to hash (or nothing, when it does not
// resolve): more, never less.
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(['"`])([^'"`\n\r]+)\1/g;
// `import type { X } from '...'`, `import type X from`, `import type * as X from` and `export type { X } from`
// are erased when TypeScript is run: what they name cannot change a score, so they are left out (a type
// imported with `{ type X, y }` is not). One statement only: the names in braces hold no quote or brace, a
// single name is followed by `from` (so `import type from './x'`, a default import named `type`, is kept,
// and a type alias `export type X = { ... }` never reaches the import after it).
const TYPE_ONLY = /\b(?:import|export)\s+type\s*(?:\{[^{}'"`]*\}\s*|\*\s*as\s+[\w$]+\s+|(?!from\s*['"`])[\w$]+\s+)from\s*(['"])[^'"\n\r]+\1/g;

/** The specifiers a module's text names at run time, in order, each once. */
export function importSpecifiers(text: string): string[] {
  return [...new Set([...text.replace(TYPE_ONLY, '').matchAll(SPECIFIER)].filter((match) => !(match[1] === '`' && match[2].includes('${'))).map((match) => match[2]))];
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

const importsSchema = z.looseObject({ imports: z.record(z.string(), z.unknown()).optional() });

/** The nearest package.json at or above `importer`'s folder (the package a module belongs to, as node decides); undefined when none. */
function nearestPackageJson(importer: string): string | undefined {
  for (let dir = dirname(importer); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (isFile(manifest)) return manifest;
    if (dirname(dir) === dir) return undefined;
  }
}

// The conditions a scorer is loaded under (tsx's import, node's require for a CommonJS .ts file); `types` never runs.
const CONDITIONS = new Set(['node', 'import', 'require', 'module-sync', 'default']);

function conditionalTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map(conditionalTarget).find((t) => t !== undefined);
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const found = conditionalTarget(value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * A `#name` specifier through the `imports` of the nearest package.json (exact keys, then one-`*`
 * patterns, conditions node, import, require, default): a local file, a package name, or undefined when
 * the package.json does not map it.
 */
export function resolveSubpathImport(specifier: string, importer: string): { file: string } | { package: string } | undefined {
  const manifest = nearestPackageJson(importer);
  if (!manifest) return undefined;
  let parsed;
  try {
    parsed = importsSchema.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
  } catch {
    return undefined;
  }
  const imports = parsed.success ? parsed.data.imports : undefined;
  if (!imports) return undefined;
  let target: string | undefined;
  if (Object.hasOwn(imports, specifier)) target = conditionalTarget(imports[specifier]);
  else {
    // The longest matching pattern's prefix wins, as in node.
    const patterns = Object.keys(imports)
      .filter((key) => key.split('*').length === 2 && specifier.startsWith(key.split('*')[0]) && specifier.endsWith(key.split('*')[1]) && specifier.length >= key.length - 1)
      .sort((a, b) => b.indexOf('*') - a.indexOf('*'));
    if (patterns[0]) {
      const [prefix, suffix] = patterns[0].split('*');
      const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
      target = conditionalTarget(imports[patterns[0]])?.replaceAll('*', middle);
    }
  }
  if (target === undefined) return undefined;
  if (target.startsWith('./')) {
    const file = resolveLocal(target, manifest);
    return file ? { file } : undefined;
  }
  return { package: packageName(target) };
}

/**
 * The scorer file's local import graph and the packages it uses (see ImportGraph). A bare specifier that
 * names no installed package and no `#` import of the scorer's package.json (a tsconfig `paths` alias, a
 * package not installed) cannot be hashed: it is printed as a warning, once per graph, and left out.
 */
export function importGraph(scorerFile: string, fix?: string, warn: (line: string) => void = (line) => console.error(line)): ImportGraph {
  const root = resolve(scorerFile);
  const base = dirname(root);
  const files: ImportGraph['files'] = [];
  const packages = new Set<string>();
  const unresolved = new Set<string>();
  const seen = new Set<string>([root]);
  // A module named by an absolute path (or file: URL) is hashed under that path, so that moving the scorer's
  // folder keeps its identity; one named relatively, under its path from the scorer's folder.
  const queue: Array<{ file: string; absolute: boolean }> = [{ file: root, absolute: false }];
  const follow = (path: string | undefined, absolute: boolean) => {
    if (path && !seen.has(path) && !path.split(sep).includes('node_modules')) {
      seen.add(path);
      queue.push({ file: path, absolute });
    }
  };
  const addPackage = (name: string, importer: string, specifier: string) => {
    const version = packageVersion(name, importer);
    if (version !== undefined) packages.add(`${name}@${version}`);
    else unresolved.add(specifier);
  };
  while (queue.length) {
    const { file, absolute } = queue.shift()!;
    const bytes = readInputBytes(file, file === root ? 'scorer file' : `a module ${scorerFile} imports`, { fix });
    files.push({ path: (absolute ? file : relative(base, file)).split(sep).join('/'), file, sha256: sha256(bytes) });
    // JSON imports are data: hashed, not scanned.
    if (extname(file).toLowerCase() === '.json') continue;
    for (const specifier of importSpecifiers(bytes.toString('utf8'))) {
      if (specifier.startsWith('file:')) {
        let path: string | undefined;
        try {
          path = fileURLToPath(specifier.split(/[?#]/)[0]);
        } catch {
          path = undefined;
        }
        follow(path && resolveLocal(path, file), true);
      } else if (specifier.startsWith('/')) follow(resolveLocal(specifier, file), true);
      else if (specifier.startsWith('.')) follow(resolveLocal(specifier, file), absolute);
      else if (specifier.startsWith('#')) {
        const target = resolveSubpathImport(specifier, file);
        if (target === undefined) unresolved.add(specifier);
        else if ('file' in target) follow(target.file, false);
        else addPackage(target.package, file, specifier);
      } else if (!isBuiltin(specifier) && !specifier.startsWith('node:')) addPackage(packageName(specifier), file, specifier);
    }
  }
  if (unresolved.size) {
    warn(`note: scorer file ${scorerFile} imports ${[...unresolved].map((s) => `"${s}"`).join(', ')}, which af-lab cannot find (not an installed package, not a "#" import of its package.json; a tsconfig "paths" alias is not followed): an edit there will not score again. Import it by a relative path, or change the scorer's file after editing it.`);
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
