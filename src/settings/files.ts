// Finding and reading setting files (data/settings/<name>.json) and their lock files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { readInputFile } from '../core/safeIo.js';
import { writeFileAtomic } from '../core/files.js';
import { PROMPTS_DIR } from '../prompts/files.js';
import { lockSchema, settingSchema, type Setting, type SettingLock } from './schema.js';

/** data/ of the installed af-lab package. */
export const DATA_DIR = resolve(PROMPTS_DIR, '..');
/** data/settings/: the shipped settings, their lock files and af-lab's own setting prompt texts (prompts/). */
export const SETTINGS_DIR = join(DATA_DIR, 'settings');
/** The setting every run uses unless told otherwise: af-lab's own prompts and conventions. */
export const DEFAULT_SETTING = 'af-lab';

export interface SettingFile {
  setting: Setting;
  /** Absolute path of the setting's JSON file. */
  path: string;
  /** Its lock file (beside it): `<name>.lock.json`; a setting that extends another shares the lock of the one it extends (the same URLs, the same pins). */
  lockPath: string;
}

/** Names of the settings in a folder (default data/settings/), sorted. */
export function listSettings(dir = SETTINGS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.lock.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

function zodProblems(issues: Array<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`).join('; ');
}

/** A setting by name (a file in `dir`) or by path to a JSON file, validated. */
export function readSetting(nameOrPath: string, dir = SETTINGS_DIR): SettingFile {
  const looksLikePath = /[\\/]/.test(nameOrPath) || nameOrPath.endsWith('.json');
  const path = resolve(looksLikePath ? nameOrPath : join(dir, `${nameOrPath}.json`));
  if (!existsSync(path)) {
    throw new UserError(
      looksLikePath ? `setting file not found: ${nameOrPath}` : `unknown setting "${nameOrPath}"`,
      `use one of: ${listSettings(dir).join(', ')} (af-lab settings lists them), or a path to a setting JSON file`,
    );
  }
  const chain = [path];
  const json = withBase(readJson(path), path, chain);
  const parsed = settingSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`invalid setting ${path}: ${zodProblems(parsed.error.issues)}`, 'fix these fields (docs/settings.md describes each)');
  const root = chain[chain.length - 1];
  return { setting: parsed.data, path, lockPath: join(dirname(root), `${basename(root, '.json')}.lock.json`) };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readInputFile(path, 'setting file').replace(/^\uFEFF/, ''));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`setting file ${path} is not valid JSON (${(err as Error).message})`, 'fix the JSON syntax');
  }
}

/** What a setting never takes from the one it extends: its identity. */
const OWN_FIELDS = new Set(['name', 'extends', 'description', 'source', 'variants']);

/**
 * A setting that `extends` another (by name, beside it) takes every field of it but its identity;
 * its own fields win, and `experiment` and `fidelity` are merged field by field (a fidelity row the
 * setting does not write is the base's, proof included).
 */
function withBase(json: unknown, path: string, seen: string[]): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const own = json as Record<string, unknown>;
  if (typeof own.extends !== 'string') return json;
  const basePath = join(dirname(path), `${own.extends}.json`);
  if (!existsSync(basePath)) throw new UserError(`setting ${path} extends "${own.extends}", which is not in ${dirname(path)}`, `use one of: ${listSettings(dirname(path)).join(', ')}`);
  if (seen.includes(basePath)) throw new UserError(`setting ${path} extends "${own.extends}", which leads back to it`, 'remove the loop in the settings\' "extends"');
  seen.push(basePath);
  const base = withBase(readJson(basePath), basePath, seen) as Record<string, unknown>;
  const inherited = Object.fromEntries(Object.entries(base).filter(([key]) => !OWN_FIELDS.has(key)));
  const merged = (key: string) => ({ ...(base[key] as object | undefined), ...(own[key] as object | undefined) });
  return { ...inherited, ...own, experiment: merged('experiment'), fidelity: merged('fidelity') };
}

export function readLock(lockPath: string, setting: string): SettingLock {
  if (!existsSync(lockPath)) return { setting, files: {} };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(lockPath, 'utf8'));
  } catch (err) {
    throw new UserError(`lock file ${lockPath} is not valid JSON (${(err as Error).message})`, 'restore it from git, or delete it to record the hashes again on the next download');
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`invalid lock file ${lockPath}: ${zodProblems(parsed.error.issues)}`, 'restore it from git, or delete it to record the hashes again');
  return parsed.data;
}

export function writeLock(lockPath: string, lock: SettingLock): void {
  const files = Object.fromEntries(Object.entries(lock.files).sort(([a], [b]) => a.localeCompare(b)));
  writeFileAtomic(lockPath, `${JSON.stringify({ setting: lock.setting, files }, null, 2)}\n`);
}
