// `af-lab paraphrase`: other wordings of a statement for a paraphrase design (docs/ablations.md). A
// model you name writes each wording with af-lab's stored prompt (data/prompts/paraphrase/generate.txt),
// and a second call (data/prompts/paraphrase/check.txt, by the judge model or the same one) checks that
// it keeps the meaning. Both prompts, their sha256, every response and every verdict are kept in the
// file, which is rewritten after each wording: nothing paid for is lost, and a second run with the same
// statement and models goes on from the wordings already there.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import { sha256 } from '../core/hash.js';
import type { ChatModel } from '../core/types.js';
import { loadVariant } from '../prompts/index.js';
import { builtinPromptFile } from '../prompts/files.js';
import { resolveModel } from '../models/index.js';
import { paraphraseFileSchema, type ParaphraseFile } from '../run/design.js';

export const PARAPHRASE_PROMPTS = { generate: 'paraphrase/generate.txt', check: 'paraphrase/check.txt' } as const;

export interface ParaphraseOptions {
  /** The model that writes the wordings (a spec: `openai/gpt-4o`). */
  model: string;
  /** The model that checks each wording keeps the meaning (default: the same model). */
  judge?: string;
  /** How many wordings the file should hold. */
  n: number;
  /** Where the file is written (the CLI: `<outDir>/<name>/paraphrases-<statement>.json`). */
  outFile: string;
  temperature?: number;
  maxTokens?: number;
  /** Models already made (tests); otherwise resolved from the specs. */
  models?: { writer: ChatModel; checker?: ChatModel };
  onWording?: (done: number, total: number) => void;
}

export interface ParaphraseResult {
  file: ParaphraseFile;
  path: string;
  /** Wordings written by this call (the rest were already in the file). */
  written: number;
  /** Of all wordings in the file, those the check kept. */
  kept: number;
}

function fill(template: string, values: Record<string, string>): string {
  // One pass: a statement holding "{{earlier}}" is not filled in turn.
  return template.replace(/\{\{(statement|earlier|original|paraphrase)\}\}/g, (all, name: string) => values[name] ?? all);
}

const between = (text: string, tag: string): string | undefined => {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(text);
  return match ? match[1].trim() : undefined;
};

/** Other wordings of a statement (a built-in variant name or a variant file), each checked by a second call. */
export async function paraphraseStatement(statement: string, options: ParaphraseOptions): Promise<ParaphraseResult> {
  if (!Number.isInteger(options.n) || options.n < 1 || options.n > 50) throw new UserError(`--n ${options.n} is not a number of wordings from 1 to 50`, 'give --n 8, for example');
  const variant = loadVariant(statement);
  const original = variant.body.trim();
  if (!original) throw new UserError(`the statement "${variant.name}" is empty: there is nothing to reword`, 'give a statement with text (baseline has none)');
  const generate = builtinPromptFile(PARAPHRASE_PROMPTS.generate);
  const check = builtinPromptFile(PARAPHRASE_PROMPTS.check);
  const judgeSpec = options.judge ?? options.model;
  const generator = {
    model: options.model,
    judge: judgeSpec,
    temperature: options.temperature ?? 1,
    generatePrompt: { file: `data/prompts/${PARAPHRASE_PROMPTS.generate}`, sha256: sha256(generate.body), text: generate.body },
    checkPrompt: { file: `data/prompts/${PARAPHRASE_PROMPTS.check}`, sha256: sha256(check.body), text: check.body },
  };
  const previous = readPrevious(options.outFile, original, generator.model, judgeSpec);
  const wordings: ParaphraseFile['wordings'] = previous ? [...previous.wordings] : [];
  const writer = options.models?.writer ?? (await resolveModel(options.model));
  const checker = options.models?.checker ?? (options.models ? writer : judgeSpec === options.model ? writer : await resolveModel(judgeSpec));
  const save = () => {
    const file: ParaphraseFile = { statement: variant.name, original, generator, wordings };
    writeFileAtomic(options.outFile, `${JSON.stringify(file, null, 2)}\n`);
    return file;
  };
  let written = 0;
  try {
    for (let index = wordings.length; index < options.n; index++) {
      const earlier = [original, ...wordings.map((w) => w.text)].map((text, i) => `<wording-${i}>\n${text}\n</wording-${i}>`).join('\n');
      const asked = await writer.chat({ messages: [{ role: 'user', content: fill(generate.body, { statement: original, earlier }) }], temperature: generator.temperature, maxTokens: options.maxTokens ?? 1000, seed: index });
      const text = between(asked.text, 'paraphrase');
      const name = `p${index + 1}`;
      if (!text) {
        wordings.push({ name, text: asked.text.trim() || '(empty)', keepsMeaning: false, check: 'no <paraphrase> block in the response', response: asked.text });
      } else {
        const judged = await checker.chat({ messages: [{ role: 'user', content: fill(check.body, { original, paraphrase: text }) }], temperature: 0, maxTokens: 300, seed: index });
        const verdict = between(judged.text, 'verdict')?.toLowerCase();
        const reason = between(judged.text, 'reason') ?? '';
        wordings.push({
          name,
          text,
          keepsMeaning: verdict === 'same',
          check: verdict === 'same' || verdict === 'different' ? `${verdict}: ${reason}` : 'unreadable verdict (left out of the design)',
          response: asked.text,
          checkResponse: judged.text,
        });
      }
      written++;
      save();
      options.onWording?.(wordings.length, options.n);
    }
  } finally {
    if (!options.models) {
      await writer.close?.();
      if (checker !== writer) await checker.close?.();
    }
  }
  const file = save();
  return { file, path: options.outFile, written, kept: wordings.filter((w) => w.keepsMeaning === true).length };
}

/** The wordings of an earlier run of the same statement and models, to go on from; another statement's file is refused. */
function readPrevious(path: string, original: string, model: string, judge: string): ParaphraseFile | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: ReturnType<typeof paraphraseFileSchema.safeParse>;
  try {
    parsed = paraphraseFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    throw new UserError(`${path} exists and is not a paraphrase file`, `move it away, or give another --name`);
  }
  if (!parsed.success) throw new UserError(`${path} exists and is not a paraphrase file`, 'move it away, or give another --name');
  const file = parsed.data;
  const generator = file.generator as { model?: string; judge?: string } | undefined;
  if (file.original !== original || generator?.model !== model || generator?.judge !== judge) {
    throw new UserError(`${basename(path)} holds wordings of another text or by other models`, 'give another --name, or move the file away to start again');
  }
  return file;
}
