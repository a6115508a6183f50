// An ablation design made into conditions: each is a variant with its own name and hash, so the plan,
// the cache, resume and the report treat it as any other variant (docs/ablations.md). The condition
// with every element on keeps the statement's own name: it is the same samples as a run without a design.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AblationDesign } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { AblationTag, Reasoning } from '../core/types.js';
import { elementNames, readPromptFile, type ElementChoice, type PromptFile } from '../prompts/index.js';
import type { ResolvedSetting } from '../settings/index.js';

/** At most this many elements in a full-factorial design (2^5 = 32 conditions per statement). */
export const MAX_FACTORIAL_ELEMENTS = 5;

/** A paraphrase file: a statement's other wordings, and how they were made and checked (`af-lab paraphrase` writes it). */
export const paraphraseFileSchema = z
  .object({
    statement: z.string().min(1).optional(),
    /** The statement's text the wordings paraphrase (checked against the variant's when given). */
    original: z.string().optional(),
    /** How the wordings were made (`af-lab paraphrase`): the model and the stored prompts. */
    generator: z.record(z.string(), z.unknown()).optional(),
    wordings: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only'),
            text: z.string().min(1),
            /** The meaning check's verdict; a wording judged to change the meaning (false) is left out of the design. */
            keepsMeaning: z.boolean().optional(),
            check: z.string().optional(),
          })
          .passthrough(),
      )
      .min(1)
      .refine((ws) => new Set(ws.map((w) => w.name)).size === ws.length, { message: 'wording names must differ' })
      .refine((ws) => ws.every((w) => w.name !== 'original'), { message: '"original" names the statement\'s own wording' }),
  })
  .passthrough();

export type ParaphraseFile = z.output<typeof paraphraseFileSchema>;

export function readParaphraseFile(path: string): ParaphraseFile {
  if (!existsSync(path)) throw new UserError(`paraphrase file not found: ${path}`, 'check ablation.paraphrases in the config, or write one with af-lab paraphrase');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`paraphrase file ${path} is not valid JSON (${(err as Error).message})`, 'fix the JSON syntax (docs/ablations.md shows the format)');
  }
  const parsed = paraphraseFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserError(`invalid paraphrase file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`, 'fix these fields (docs/ablations.md shows the format)');
  }
  return parsed.data;
}

/** The element names of the system prompts the run uses, and of a statement. */
function elementsOf(resolved: ResolvedSetting, reasonings: readonly Reasoning[], variant: PromptFile): string[] {
  const texts = [...reasonings.map((r) => resolved.systemPrompts[r]?.marked ?? ''), variant.marked ?? ''];
  return [...new Set(texts.flatMap((text) => elementNames(text)))];
}

function wordingText(value: string | { path: string }): string {
  return typeof value === 'string' ? value : readPromptFile(value.path, 'element wording').body;
}

const condition = (variant: PromptFile, name: string, tag: AblationTag, elements?: Record<string, ElementChoice>): PromptFile => ({
  ...variant,
  name,
  ...(elements ? { elements } : {}),
  ablation: tag,
});

/** The tag's record of what a condition changes: `off` or the wording's name, per element. */
function tagged(elements: Record<string, ElementChoice>): Record<string, string> {
  return Object.fromEntries(Object.entries(elements).map(([name, choice]) => [name, typeof choice === 'object' ? choice.wording : choice]));
}

/**
 * The variants of a design, statement by statement, in a fixed order: the statement as written, then
 * each condition. Elements a statement's prompts do not hold are skipped for it; an element no
 * statement's prompts hold is an error naming the ones they do.
 */
export function designVariants(design: AblationDesign, variants: readonly PromptFile[], resolved: ResolvedSetting, reasonings: readonly Reasoning[]): PromptFile[] {
  if (design.design === 'paraphrases') return paraphraseVariants(design, variants);
  const available = variants.map((v) => elementsOf(resolved, reasonings, v));
  const everywhere = [...new Set(available.flat())];
  if (!everywhere.length) {
    throw new UserError('the ablation design has no element to vary: neither the system prompt nor any statement names one', 'mark spans with {{#element NAME}}...{{/element}} (docs/ablations.md), or choose a setting whose prompts have them (af-lab settings show af-lab)');
  }
  const asked = design.elements ?? everywhere;
  const unknown = asked.filter((e) => !everywhere.includes(e));
  if (unknown.length) throw new UserError(`ablation element "${unknown[0]}" is in no prompt of this run`, `use any of: ${everywhere.join(', ')}`);
  const unknownWording = Object.keys(design.wordings).find((e) => !asked.includes(e));
  if (unknownWording) throw new UserError(`ablation.wordings names "${unknownWording}", which is not an element of the design`, `give wordings only for: ${asked.join(', ')}`);
  // The setting's own wordings of its elements (one-at-a-time only), then the config's, which win by name.
  const fromSetting = design.design === 'one-at-a-time' ? resolved.setting.elementWordings ?? {} : {};
  const wordings = Object.fromEntries(
    asked.map((element) => {
      const byName: Record<string, string | { path: string }> = { ...fromSetting[element], ...design.wordings[element] };
      return [element, Object.entries(byName).map(([wording, value]) => ({ wording, text: wordingText(value) }))];
    }),
  );

  return variants.flatMap((variant, i) => {
    const elements = asked.filter((e) => available[i].includes(e));
    const tag = (changes: Record<string, ElementChoice>): AblationTag => ({ of: variant.name, design: design.design, ...(Object.keys(changes).length ? { elements: tagged(changes) } : {}) });
    const out = [condition(variant, variant.name, tag({}))];
    if (design.design === 'one-at-a-time') {
      for (const element of elements) {
        out.push(condition(variant, `${variant.name}.no-${element}`, tag({ [element]: 'off' }), { [element]: 'off' }));
        for (const wording of wordings[element] ?? []) {
          const changes = { [element]: { wording: wording.wording, text: wording.text } };
          out.push(condition(variant, `${variant.name}.${element}.${wording.wording}`, tag(changes), changes));
        }
      }
      return out;
    }
    if (elements.length > MAX_FACTORIAL_ELEMENTS) {
      throw new UserError(
        `a full-factorial design over ${elements.length} elements of ${variant.name} makes ${2 ** elements.length} conditions; at most ${MAX_FACTORIAL_ELEMENTS} elements`,
        `list at most ${MAX_FACTORIAL_ELEMENTS} in ablation.elements, or use "one-at-a-time"`,
      );
    }
    for (let mask = 1; mask < 2 ** elements.length; mask++) {
      const off = elements.filter((_, bit) => mask & (1 << bit));
      const changes = Object.fromEntries(off.map((e) => [e, 'off' as const]));
      out.push(condition(variant, `${variant.name}${off.map((e) => `.no-${e}`).join('')}`, tag(changes), changes));
    }
    return out;
  });
}

/** `baseline` (and any statement's `on:` base) as it is; each statement with a paraphrase file: its own wording, then each paraphrase. */
function paraphraseVariants(design: AblationDesign, variants: readonly PromptFile[]): PromptFile[] {
  const names = variants.map((v) => v.name);
  const stray = Object.keys(design.paraphrases).find((name) => !names.includes(name));
  if (stray) throw new UserError(`ablation.paraphrases names "${stray}", which is not a variant of this run`, `add it to "variants", or use one of: ${names.join(', ')}`);
  return variants.flatMap((variant) => {
    const path = design.paraphrases[variant.name];
    if (!path) return [variant];
    const file = readParaphraseFile(path);
    if (file.original !== undefined && file.original.trim() !== variant.body.trim()) {
      throw new UserError(`paraphrase file ${path} paraphrases another text than the statement "${variant.name}"`, 'write the paraphrases again from the statement as it is now (af-lab paraphrase)');
    }
    const kept = file.wordings.filter((w) => w.keepsMeaning !== false);
    const tag = (wording: string): AblationTag => ({ of: variant.name, design: 'paraphrases', wording });
    return [
      condition(variant, variant.name, tag('original')),
      ...kept.map((w) => ({ ...condition(variant, `${variant.name}.${w.name}`, tag(w.name)), body: w.text.trim(), marked: undefined, description: `paraphrase ${w.name} of ${variant.name}` })),
    ];
  });
}
