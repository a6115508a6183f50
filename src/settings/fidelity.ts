// How faithful a setting is to its source, element by element, as `af-lab settings show` prints it
// and docs/fidelity.md tabulates it; and the one line every run's summary prints about its setting.
import type { ExperimentInput } from '../core/config.js';
import { readSetting, SETTINGS_DIR } from './files.js';
import { FIDELITY_ELEMENTS, type FidelityElement, type Setting } from './schema.js';
import type { ResolvedSetting } from './resolve.js';

export interface FidelityRow {
  element: FidelityElement;
  status: 'exact' | 'af-lab wording' | 'differs' | 'unverified';
  what: string;
  fix: string;
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
    return { element, status: entry.status, what, fix: entry.status === 'exact' ? '' : entry.fix ?? '' };
  });
}

/** The elements written in af-lab's own words (or otherwise not as the source has them). */
export function notExact(setting: Setting): { wording: FidelityElement[]; differs: FidelityElement[]; unverified: FidelityElement[] } {
  return {
    wording: FIDELITY_ELEMENTS.filter((e) => setting.fidelity[e].status === 'af-lab wording'),
    differs: FIDELITY_ELEMENTS.filter((e) => setting.fidelity[e].status === 'differs'),
    unverified: FIDELITY_ELEMENTS.filter((e) => setting.fidelity[e].status === 'unverified'),
  };
}

/** The one line a run's summary prints: which setting, and whether any of it is af-lab's wording rather than the source's. */
export function settingLine(setting: Setting): string {
  if (setting.name === 'af-lab') return `Setting af-lab: af-lab's own prompts and conventions (not a published setting; af-lab settings lists those).`;
  const { wording, differs, unverified } = notExact(setting);
  const parts = [
    wording.length ? `af-lab's wording, not the source's: ${wording.join(', ')}` : 'no element is in af-lab\'s wording',
    ...(differs.length ? [`differs from the source: ${differs.join(', ')}`] : []),
    ...(unverified.length ? [`not checked against the source: ${unverified.join(', ')}`] : []),
  ];
  return `Setting ${setting.name} (${setting.source.title}): ${parts.join('; ')}. af-lab settings show ${setting.name} says how to make each exact.`;
}

/** The fidelity table as text (terminal) or Markdown (docs/fidelity.md). */
export function formatFidelity(rows: FidelityRow[], markdown = false): string {
  const header = ['element', 'status', 'what af-lab does', 'to make it exact'];
  const cells = rows.map((r) => [r.element, r.status, r.what, r.fix || '-']);
  if (markdown) {
    // Tags such as <OUTPUT> would vanish as HTML in rendered Markdown.
    const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...cells.map((c) => `| ${c.map(esc).join(' | ')} |`)].join('\n');
  }
  const widths = header.slice(0, 2).map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const indent = ' '.repeat(widths[0] + widths[1] + 4);
  const line = (c: string[]) => `${[c[0].padEnd(widths[0]), c[1].padEnd(widths[1]), c[2]].join('  ')}${c[3] === '-' ? '' : `\n${indent}to make it exact: ${c[3]}`}`;
  return [line(header.slice(0, 3).concat('-')), ...cells.map(line)].join('\n');
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
