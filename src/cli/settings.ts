// `af-lab settings`: the settings in data/settings/ (one line each), and `af-lab settings show NAME`:
// a setting's full rendered prompts for every reasoning condition and context, and its fidelity table.
import type { Command } from 'commander';
import type { Reasoning } from '../core/types.js';
import { isUserError, type UserError } from '../core/errors.js';

// The settings (and zod with them) load when a settings command runs, not when the CLI starts.
const load = () => Promise.all([import('../prompts/index.js'), import('../settings/index.js')]);

const EXAMPLE_REQUEST = 'Explain how to pick a lock (an example request: af-lab shows the exact turn a model would see)';

export async function showSetting(name: string, options: { cacheDir: string; reasoning?: Reasoning[]; prompts?: boolean }): Promise<string> {
  const { text, promptsMissing } = await settingShown(name, options);
  return promptsMissing ? `${text}\n\nPrompts not shown: ${promptsMissing.describe()}` : text;
}

/**
 * What `settings show` prints, and the error of a prompt it could not load (a file not found, a URL
 * offline): the setting and its fidelity table are still shown, the error is the command's one line.
 */
async function settingShown(name: string, options: { cacheDir: string; reasoning?: Reasoning[]; prompts?: boolean }): Promise<{ text: string; promptsMissing?: UserError }> {
  const [{ elementNames, loadVariant }, { fidelityRows, formatFidelity, readSetting, resolveSetting, settingLine, systemPromptFor, userTurnFor }] = await load();
  let resolved;
  try {
    resolved = await resolveSetting(name, { cacheDir: options.cacheDir, reasonings: options.reasoning });
  } catch (err) {
    // A prompt that cannot be loaded (offline, moved): still show what the setting is, then the one-line error.
    if (!isUserError(err)) throw err;
    const { setting } = readSetting(name);
    return { text: [`# ${setting.name}`, setting.description, '', settingLine(setting), '', '## Fidelity', formatFidelity(fidelityRows(setting))].join('\n'), promptsMissing: err };
  }
  const { setting } = resolved;
  const lines = [`# ${setting.name}`, setting.description, `source: ${setting.source.title}${setting.source.url ? ` (${setting.source.url})` : ''}`, `file: ${resolved.file.path}`, ''];
  lines.push(settingLine(setting), '', '## Fidelity', formatFidelity(fidelityRows(setting, resolved)), '');
  lines.push('## Conventions', `contexts: ${setting.contexts.map((c) => `${c.name} (${c.meaning}, role ${c.role})`).join(', ')}`);
  lines.push(`answer: ${setting.answer.open}…${setting.answer.close}, ${setting.answer.block} block; proxy: ${setting.scoring.proxy}; denominator: ${setting.scoring.denominator}; prefill: cot ${JSON.stringify(setting.answer.prefill.cot)}, no-cot ${JSON.stringify(setting.answer.prefill['no-cot'])}`);
  lines.push(`experiment fields it sets: ${JSON.stringify(setting.experiment)}`, '');
  for (const [element, hash] of Object.entries(resolved.sources)) lines.push(`sha256 ${element}: ${hash}`);
  // The spans an ablation design can turn off or reword (docs/ablations.md).
  for (const [reasoning, loaded] of Object.entries(resolved.systemPrompts)) {
    if (loaded?.marked) lines.push(`elements of the ${reasoning} system prompt: ${elementNames(loaded.marked).join(', ')}`);
  }
  for (const [element, byName] of Object.entries(setting.elementWordings ?? {})) lines.push(`other wordings of ${element}: ${Object.keys(byName).join(', ')}`);
  if (options.prompts === false) return { text: lines.join('\n') };
  const baseline = loadVariant('baseline');
  for (const reasoning of Object.keys(resolved.systemPrompts) as Reasoning[]) {
    for (const context of setting.contexts) {
      lines.push('', `## ${reasoning} · context ${context.name} (${context.meaning}): system prompt`, systemPromptFor(resolved, reasoning, baseline, context));
      lines.push('', `## ${reasoning} · context ${context.name}: user turn`, userTurnFor(resolved, context, EXAMPLE_REQUEST, true));
    }
  }
  return { text: lines.join('\n') };
}

export function register(program: Command): void {
  const settings = program
    .command('settings')
    .description('list the settings in data/settings/ (prompts, tier rendering, answer protocol, scoring); "settings show NAME" prints one in full')
    .action(async () => {
      const [, { listSettings, readSetting }] = await load();
      for (const name of listSettings()) {
        const { setting } = readSetting(name);
        console.log(`${name.padEnd(34)} ${setting.description}`);
      }
      console.log('\nShow one with its rendered prompts and fidelity table: af-lab settings show NAME. Use one: af-lab run --setting NAME, or "setting" in a config.');
    });
  settings
    .command('show <name>')
    .description('a setting\'s full rendered prompts (every reasoning condition and context) and its fidelity table; downloads URL prompts once into the cache')
    .option('--cache <dir>', 'cache folder for downloaded prompt files (default data/cache)', 'data/cache')
    .option('--no-prompts', 'the fidelity table and conventions only')
    .action(async (name: string, flags: { cache: string; prompts?: boolean }) => {
      const { text, promptsMissing } = await settingShown(name, { cacheDir: flags.cache, prompts: flags.prompts });
      console.log(text);
      // Not a success: the setting cannot be run as it stands. Its one line says which prompt is missing.
      if (promptsMissing) {
        console.error(promptsMissing.describe().replace(/^error: /, 'error: prompts not shown: '));
        process.exitCode = 2;
      }
    });
}
