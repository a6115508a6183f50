// The notebooks' one configuration: notebooks/config.json, an experiment config in the same format
// the CLI takes (docs/experiment.md, "Configuration"). Every notebook loads it through here, so switching
// from the simulator to real models is one edit in one file. Relative paths in it are relative to
// the project root (the kernel runs in notebooks/), and AF_LAB_DATA_DIR moves results, cache
// and figures elsewhere (the tests run the notebooks against an empty data folder this way).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeFor, parseExperiment, type ExperimentConfig, type ExperimentInput } from '../core/config.js';
import { parseModelSpec } from '../models/spec.js';
import { withSettingDefaults } from '../settings/index.js';
import { UserError } from '../core/errors.js';

export interface NotebookSetup {
  /** The project root: notebooks/, data/ and package.json live here. */
  root: string;
  configPath: string;
  /** The configuration as written in the file (before defaults). */
  input: ExperimentInput;
  /** Validated, with defaults, paths resolved against the root. Each notebook step derives its run from it. */
  experiment: ExperimentConfig;
  /** Where the notebooks keep what they pass to each other (besides results and cache). */
  notebookDataDir: string;
  /** AF_LAB_DATA_DIR when set: results, cache and notebook data all go under it. */
  dataDir?: string;
  /** True when every model and the judge are af-lab's simulator: outputs are a test bench, not results. */
  simulated: boolean;
}

export const NOTEBOOK_CONFIG_FILE = join('notebooks', 'config.json');

/** af-lab's own checkout (this file is in src/notebook/ or dist/notebook/). */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folder holding notebooks/config.json: searched upward from `from`, else af-lab's own checkout. */
export function findNotebookRoot(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, NOTEBOOK_CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) return PACKAGE_ROOT;
  }
}

/** True when every model and the judge of the experiment are af-lab's simulator. */
export function simulatorOnly(config: Pick<ExperimentConfig, 'models' | 'judge'>): boolean {
  const judge = judgeFor(config);
  return [...config.models, ...(judge ? [judge] : [])].every((spec) => parseModelSpec(spec).provider === 'sim');
}

/** Resolve a relative path in the config against the project root. */
function rooted(root: string, path: string | undefined): string | undefined {
  return path === undefined || isAbsolute(path) ? path : join(root, path);
}

export function resolveExperimentPaths(root: string, config: ExperimentConfig, dataDir?: string): ExperimentConfig {
  return {
    ...config,
    outDir: dataDir ? join(resolve(dataDir), 'results') : rooted(root, config.outDir)!,
    cacheDir: dataDir ? join(resolve(dataDir), 'cache') : rooted(root, config.cacheDir)!,
    figuresDir: dataDir ? join(resolve(dataDir), 'figures') : rooted(root, config.figuresDir)!,
    requests: { ...config.requests, path: rooted(root, config.requests.path) },
    systemPrompts: { cot: rooted(root, config.systemPrompts.cot), 'no-cot': rooted(root, config.systemPrompts['no-cot']) },
    userTemplate: rooted(root, config.userTemplate),
    variants: config.variants.map((variant) => (/[\\/]/.test(variant) ? rooted(root, variant)! : variant)),
  };
}

export interface LoadNotebookConfigOptions {
  /** Start the search for notebooks/config.json here (default: the kernel's working directory). */
  from?: string;
  /** Read this file instead. */
  path?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadNotebookConfig(options: LoadNotebookConfigOptions = {}): NotebookSetup {
  const env = options.env ?? process.env;
  const root = options.path ? dirname(dirname(resolve(options.path))) : findNotebookRoot(options.from);
  const configPath = options.path ? resolve(options.path) : join(root, NOTEBOOK_CONFIG_FILE);
  let input: ExperimentInput;
  try {
    input = JSON.parse(readFileSync(configPath, 'utf8')) as ExperimentInput;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(
      missing ? `notebook configuration not found: ${configPath}` : `${configPath} is not valid JSON (${(err as Error).message})`,
      missing ? 'restore notebooks/config.json from the repository' : 'fix the JSON syntax',
    );
  }
  const dataDir = env.AF_LAB_DATA_DIR || undefined;
  const experiment = resolveExperimentPaths(root, parseExperiment(withSettingDefaults(input), `notebook configuration ${configPath}`), dataDir);
  return {
    root,
    configPath,
    input,
    experiment,
    notebookDataDir: dataDir ? join(resolve(dataDir), 'notebooks') : join(root, 'data', 'notebooks'),
    dataDir,
    simulated: simulatorOnly(experiment),
  };
}

/** The experiment of one notebook step: the shared configuration with the step's own name and choices. */
export function stepExperiment(setup: NotebookSetup, step: Partial<ExperimentInput> & { name: string }): ExperimentConfig {
  const merged = parseExperiment(withSettingDefaults({ ...setup.input, ...step }), `notebook step ${step.name}`);
  return resolveExperimentPaths(setup.root, merged, setup.dataDir);
}

/** A path as the notebooks print it: relative to the project root, so outputs read the same on every machine. */
export function projectPath(setup: NotebookSetup, path: string): string {
  const rel = relative(setup.root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
