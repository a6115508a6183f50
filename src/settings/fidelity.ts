// How faithful a setting is to its source, element by element, as `af-lab settings show` prints it
// and docs/fidelity.md tabulates it; and the one line every run's summary prints about its setting.
import type { ExperimentConfig, ExperimentInput } from '../core/config.js';
import { readSetting, SETTINGS_DIR } from './files.js';
import { FIDELITY_ELEMENTS, type FidelityElement, type Setting } from './schema.js';
import type { ResolvedSetting } from './resolve.js';

export interface FidelityRow {
  element: FidelityElement;
  status: 'exact' | 'af-lab wording' | 'differs' | 'unverified';
  what: string;
  fix: string;
  /** The test file that proves the row ('' when none is named). */
  proof: string;
}

/** The setting's fidelity table; with a resolved setting, exact texts show the sha256 they were loaded with. */
export function fidelityRows(setting: Setting, resolved?: ResolvedSetting): FidelityRow[] {
  return FIDELITY_ELEMENTS.map((element) => {
    const entry = setting.fidelity[element];
    let what = entry.what;
    if (resolved && element === 'system prompt') {
      const hashes = Object.entries(resolved.systemPrompts).map(([r, t]) => `${r} ${t!.origin} sha256 ${t!.sha256.slice(0, 16)}…`);
      if (hashes.length) what = `${what} (${hashes.join('; ')})`;
    }
    return { element, status: entry.status, what, fix: entry.status === 'exact' ? '' : entry.fix ?? '', proof: entry.proof ?? '' };
  });
}

/** What a run did that the setting file cannot know: the texts it loaded and the configuration it ran with. */
export interface RunFacts {
  /** The setting as resolved for the run: the identity of each text it loaded. */
  resolved?: Pick<ResolvedSetting, 'identities'>;
  /** The run's configuration: where it departs from the setting's experiment fields, the element differs. */
  config?: Partial<Pick<ExperimentConfig, 'temperature' | 'maxTokens' | 'maxTurns' | 'prefill' | 'suffix' | 'requests'>>;
}

/** The texts behind each element, by the names ResolvedSetting.identities uses. */
const ELEMENT_TEXTS: Partial<Record<FidelityElement, string[]>> = {
  'system prompt': ['system-cot', 'system-no-cot', 'situation'],
  'user turn': ['user-template'],
  suffix: ['suffix'],
};

const differsFromSetting = (own: unknown, setting: unknown) => setting !== undefined && own !== undefined && JSON.stringify(own) !== JSON.stringify(setting);

/**
 * The elements that are not exact in this run: af-lab's wording and the setting's own differences,
 * plus what the run changed (a local copy nothing verifies, a user's own file, a sampling parameter
 * or request set other than the setting's, the suffix switched off).
 */
export function notExact(setting: Setting, run: RunFacts = {}): { wording: FidelityElement[]; differs: string[]; unverified: string[]; unchecked: FidelityElement[] } {
  const wording: FidelityElement[] = [];
  const differs: string[] = [];
  /** Texts this run loaded from a copy nothing verified (or the user's own file). */
  const unverified: string[] = [];
  /** Rows the setting itself marks 'unverified': not checked against the source, whose code or text was not available. */
  const unchecked: FidelityElement[] = [];
  const experiment = setting.experiment as Record<string, unknown>;
  const config = (run.config ?? {}) as Record<string, unknown>;
  for (const element of FIDELITY_ELEMENTS) {
    const identities = (ELEMENT_TEXTS[element] ?? []).map((t) => run.resolved?.identities[t]).filter((i) => i !== undefined);
    if (identities.includes('unverified local copy')) unverified.push(element);
    else if (identities.includes('local file')) unverified.push(`${element} (your own file)`);
    else if (setting.fidelity[element].status === 'af-lab wording') wording.push(element);
    else if (setting.fidelity[element].status === 'differs') differs.push(element);
    else if (setting.fidelity[element].status === 'unverified') unchecked.push(element);
  }
  const changed = ['temperature', 'maxTokens', 'maxTurns', 'prefill'].filter((k) => differsFromSetting(config[k], experiment[k]));
  if (changed.length && !differs.includes('sampling parameters')) differs.push(`sampling parameters (${changed.join(', ')} set by the run)`);
  if (experiment.requests && config.requests && !sameRequests(config.requests, experiment.requests) && !differs.includes('requests')) differs.push('requests (set by the run)');
  if (experiment.suffix === true && config.suffix === false) differs.push('suffix (off in this run)');
  return { wording, differs, unverified, unchecked };
}

/** The run's request set against the setting's: the fields the setting names must match. */
function sameRequests(own: unknown, setting: unknown): boolean {
  if (typeof own !== 'object' || typeof setting !== 'object' || !own || !setting) return own === setting;
  return Object.entries(setting).every(([k, v]) => JSON.stringify((own as Record<string, unknown>)[k]) === JSON.stringify(v));
}

/**
 * The one line a run's summary prints: which setting, and every element that is not exact in this run
 * (with `run`: computed from what the run loaded and how it was configured, not only the setting file).
 */
export function settingLine(setting: Setting, run: RunFacts = {}): string {
  if (setting.name === 'af-lab') return `Setting af-lab: af-lab's own prompts and conventions (not a published setting; af-lab settings lists those).`;
  const { wording, differs, unverified, unchecked } = notExact(setting, run);
  const parts = [
    wording.length ? `af-lab's wording, not the source's: ${wording.join(', ')}` : 'no element is in af-lab\'s wording',
    ...(differs.length ? [`differs from the source: ${differs.join(', ')}`] : []),
    ...(unverified.length ? [`unverified local copy: ${unverified.join(', ')}`] : []),
    ...(unchecked.length ? [`not checked against the source: ${unchecked.join(', ')}`] : []),
  ];
  return `Setting ${setting.name} (${setting.source.title}): ${parts.join('; ')}. af-lab settings show ${setting.name} says how to make each exact.`;
}

/** The fidelity table as text (terminal) or Markdown (docs/fidelity.md). */
export function formatFidelity(rows: FidelityRow[], markdown = false): string {
  const header = ['element', 'status', 'what af-lab does', 'to make it exact', 'proved by'];
  const cells = rows.map((r) => [r.element, r.status, r.what, r.fix || '-', r.proof || '-']);
  if (markdown) {
    // Tags such as <OUTPUT> would vanish as HTML in rendered Markdown.
    const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...cells.map((c) => `| ${c.map(esc).join(' | ')} |`)].join('\n');
  }
  const widths = header.slice(0, 2).map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const indent = ' '.repeat(widths[0] + widths[1] + 4);
  const line = (c: string[]) =>
    `${[c[0].padEnd(widths[0]), c[1].padEnd(widths[1]), c[2]].join('  ')}${c[3] === '-' ? '' : `\n${indent}to make it exact: ${c[3]}`}${c[4] === '-' ? '' : `\n${indent}proved by: ${c[4]}`}`;
  return [line(header.slice(0, 3).concat('-', '-')), ...cells.map(line)].join('\n');
}

/**
 * An experiment input with its setting's experiment fields (temperature, requests, ...) filled in
 * under it: a field the input sets itself always wins. Reads the setting file only (no download).
 */
export function withSettingDefaults(input: ExperimentInput, dir = SETTINGS_DIR): ExperimentInput {
  if (!input.setting) return input;
  const { setting } = readSetting(input.setting, dir);
  return { ...(setting.experiment as ExperimentInput), ...input };
}
