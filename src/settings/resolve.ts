// A setting made ready for a run: every prompt text loaded (downloads included), and the functions
// that render the exact system prompt and user turn of each context.
import { UserError } from '../core/errors.js';
import type { AnswerProtocol, Reasoning, SettingScoring, SettingStamp } from '../core/types.js';
import { renderStatement, renderSystemPrompt, renderUserTurn, type PromptFile } from '../prompts/index.js';
import { DEFAULT_SETTING, readSetting, SETTINGS_DIR, type SettingFile } from './files.js';
import type { PromptSource, Setting, SettingContext } from './schema.js';
import { loadSource, type LoadedText, type TextIdentity } from './sources.js';

export interface ResolvedSetting {
  file: SettingFile;
  setting: Setting;
  /** System prompt per reasoning condition asked for ({{situation}} filled in). */
  systemPrompts: Partial<Record<Reasoning, LoadedText>>;
  situation?: LoadedText;
  userTemplate: LoadedText;
  suffix: LoadedText;
  /** sha256 of every text loaded, by element (`system-cot`, `user-template`, ...): kept in every record. */
  sources: Record<string, string>;
  /** What is known of each text's identity, by the same element names (sources.ts). */
  identities: Record<string, TextIdentity>;
}

/**
 * A run's own file for an element: a local copy of the setting's URL file when the setting has one
 * (checked against the lock, read the same way), otherwise the user's own text in place of af-lab's.
 */
function overridden(source: PromptSource, path: string | undefined): PromptSource {
  if (!path) return source;
  return source.url ? { url: source.url, path, wording: 'source', ...(source.sha256 ? { sha256: source.sha256 } : {}), ...(source.extract ? { extract: source.extract } : {}) } : { path, wording: 'source' };
}

export interface ResolveOptions {
  /** Reasoning conditions the run uses: only their system prompts are loaded (default both). */
  reasonings?: readonly Reasoning[];
  cacheDir: string;
  /** Where settings are looked up by name (default data/settings/). */
  dir?: string;
  /** A run's own files, which replace the setting's (the experiment config's systemPrompts and userTemplate). */
  overrides?: { systemPrompts?: Partial<Record<Reasoning, string | undefined>>; userTemplate?: string };
  timeoutMs?: number;
}

export async function resolveSetting(nameOrPath: string = DEFAULT_SETTING, options: ResolveOptions): Promise<ResolvedSetting> {
  const file = readSetting(nameOrPath, options.dir ?? SETTINGS_DIR);
  const { setting } = file;
  const ctx = (hint: string) => ({ setting: setting.name, lockPath: file.lockPath, cacheDir: options.cacheDir, timeoutMs: options.timeoutMs, overrideHint: hint });
  const systemPrompts: Partial<Record<Reasoning, LoadedText>> = {};
  const sources: Record<string, string> = {};
  const situation = setting.situation ?? { builtin: 'prompts/situation.txt', wording: 'af-lab' as const };
  let situationText: LoadedText | undefined;
  const identities: Record<string, TextIdentity> = {};
  for (const reasoning of options.reasonings ?? (['cot', 'no-cot'] as const)) {
    const source = overridden(setting.systemPrompts[reasoning], options.overrides?.systemPrompts?.[reasoning]);
    const loaded = await loadSource(source, `the ${reasoning} system prompt`, ctx(`"systemPrompts": { "${reasoning}": "<file>" } in the experiment config, or "path" under systemPrompts.${reasoning} in ${file.path}`));
    sources[`system-${reasoning}`] = loaded.sha256;
    identities[`system-${reasoning}`] = loaded.identity;
    if (loaded.text.includes('{{situation}}')) {
      situationText ??= await loadSource(situation, 'the situation text', ctx(`"situation": { "path": "<file>" } in ${file.path}`));
      sources.situation = situationText.sha256;
      identities.situation = situationText.identity;
      const marked = loaded.marked || situationText.marked ? { marked: (loaded.marked ?? loaded.text).replace('{{situation}}', () => situationText!.marked ?? situationText!.text) } : {};
      systemPrompts[reasoning] = { ...loaded, text: loaded.text.replace('{{situation}}', situationText.text), ...marked };
    } else systemPrompts[reasoning] = loaded;
  }
  const ownTemplate = options.overrides?.userTemplate;
  const templateSource = overridden(setting.userTemplate, ownTemplate);
  const copyHint = (source: PromptSource) => (source.url ? `a local copy of ${source.url.split('/').pop()}` : '<file>');
  const userTemplate = await loadSource(templateSource, 'the user-turn template', ctx(`"userTemplate": "<${copyHint(setting.userTemplate)}>" in the experiment config`));
  if (ownTemplate) refuseBlindTemplate(ownTemplate, userTemplate.text);
  // A local copy of the notebook given for the template is the suffix's file too, when both come from it.
  const suffixSource = ownTemplate && setting.suffix.url && setting.suffix.url === setting.userTemplate.url ? overridden(setting.suffix, ownTemplate) : setting.suffix;
  const suffix = await loadSource(suffixSource, 'the suffix', ctx(setting.suffix.url === setting.userTemplate.url ? `"userTemplate": "<${copyHint(setting.userTemplate)}>" in the experiment config` : `"suffix": { "path": "<file>" } in ${file.path}`));
  sources['user-template'] = userTemplate.sha256;
  sources.suffix = suffix.sha256;
  identities['user-template'] = userTemplate.identity;
  identities.suffix = suffix.identity;
  return { file, setting, systemPrompts, ...(situationText ? { situation: situationText } : {}), userTemplate, suffix, sources, identities };
}

/** A user's own template without the request or the tier: the model would never see what it is asked, or where. */
function refuseBlindTemplate(path: string, text: string): void {
  const missing = [...(text.includes('{{request}}') ? [] : ['{{request}}']), ...(/\{\{(is_free_tier_user|tier)\}\}/.test(text) ? [] : ['{{is_free_tier_user}} or {{tier}}'])];
  if (missing.length) throw new UserError(`the user-turn template ${path} has no ${missing.join(' and no ')}: the model would never see ${missing.length === 2 ? 'the request or its tier' : missing[0] === '{{request}}' ? 'the request' : 'its tier'}`, 'add the placeholders (see data/prompts/user-turn.txt)');
}

/** The tier tag's value as the model sees it: `True`/`False` when the setting renders a Python bool. */
export function tierText(setting: Setting, context: SettingContext): string {
  if (setting.tierRendering.casing === 'python' && /^(true|false)$/i.test(context.tag)) return context.tag[0].toUpperCase() + context.tag.slice(1).toLowerCase();
  return context.tag;
}

/** The exact system prompt of one condition and context: the variant's statement inserted, and the context's sentence when the setting states the tier there. */
/** The setting's system prompt for a reasoning condition, as a prompt file (its developer names the {{developer}} of a statement). */
function systemFileOf(resolved: ResolvedSetting, reasoning: Reasoning): PromptFile {
  const loaded = resolved.systemPrompts[reasoning];
  if (!loaded) throw new Error(`system prompt for ${reasoning} was not loaded`);
  return { name: `${resolved.setting.name}-${reasoning}`, description: '', body: loaded.text, ...(loaded.marked ? { marked: loaded.marked } : {}), path: loaded.location, ...(loaded.developer ? { developer: loaded.developer } : {}) };
}

/** The statement a variant inserts into this setting's system prompt, exactly as the model sees it. */
export function statementFor(resolved: ResolvedSetting, reasoning: Reasoning, variant: PromptFile): string {
  return renderStatement(systemFileOf(resolved, reasoning), variant);
}

export function systemPromptFor(resolved: ResolvedSetting, reasoning: Reasoning, variant: PromptFile, context: SettingContext): string {
  const system = renderSystemPrompt(systemFileOf(resolved, reasoning), variant);
  return resolved.setting.tierRendering.place === 'system' && context.sentence ? `${system}\n\n${context.sentence}` : system;
}

/** The exact user turn of one request in one context. */
export function userTurnFor(resolved: ResolvedSetting, context: SettingContext, request: string, suffix: boolean): string {
  return renderUserTurn({
    request,
    tier: context.role,
    suffix,
    templateText: resolved.userTemplate.text,
    suffixText: resolved.suffix.text,
    tierText: tierText(resolved.setting, context),
    // A suffix loaded from the source (its notebook) follows the request as the source writes it.
    verbatimSuffix: resolved.suffix.wording === 'source' && resolved.suffix.identity !== 'af-lab file',
  });
}

/** The elements whose text nothing vouches for: a local copy with no pin to check, or a user's own file. */
export function unverifiedElements(resolved: Pick<ResolvedSetting, 'identities'>): Record<string, 'unverified local copy' | 'local file'> {
  const unverified: Record<string, 'unverified local copy' | 'local file'> = {};
  for (const [element, identity] of Object.entries(resolved.identities)) if (identity === 'unverified local copy' || identity === 'local file') unverified[element] = identity;
  return unverified;
}

export const AF_LAB_ANSWER: AnswerProtocol = { open: '<OUTPUT>', close: '</OUTPUT>', block: 'last' };
export const AF_LAB_SCORING: SettingScoring = { proxy: 'prefix', denominator: 'answered' };
export const AF_LAB_PREFILL = { cot: '<', 'no-cot': '<OUTPUT>' } as const;

/** The answer protocol of a setting (tags and which block counts). */
export function answerProtocol(setting: Setting): AnswerProtocol {
  return { open: setting.answer.open, close: setting.answer.close, block: setting.answer.block };
}

/** What a record keeps of its setting and context. */
export function settingStamp(resolved: ResolvedSetting, context: SettingContext): SettingStamp {
  const unverified = unverifiedElements(resolved);
  return {
    name: resolved.setting.name,
    context: context.name,
    meaning: context.meaning,
    answer: answerProtocol(resolved.setting),
    scoring: { ...resolved.setting.scoring },
    sources: resolved.sources,
    ...(Object.keys(unverified).length ? { unverified } : {}),
  };
}

/** True when the setting reads or counts answers differently from af-lab (then the summary shows both). */
export function scoringDiffers(setting: Pick<Setting, 'answer' | 'scoring'>): boolean {
  return setting.answer.block !== 'last' || setting.scoring.proxy !== 'prefix' || setting.scoring.denominator !== 'answered';
}
