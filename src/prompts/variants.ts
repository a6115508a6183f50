// Prompt variants: mitigation statements inserted into the system prompt (`baseline` inserts nothing).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { PROMPTS_DIR, readPromptFile, type PromptFile, type VariantParts } from './files.js';

const VARIANTS_DIR = join(PROMPTS_DIR, 'variants');

export function listVariants(): string[] {
  return readdirSync(VARIANTS_DIR)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** Load a variant by built-in name (`duty-not-to-harm-simple`) or by path to a variant file. */
export function loadVariant(nameOrPath: string): PromptFile {
  const variant = withBase(readVariantFile(nameOrPath), [nameOrPath]);
  // A variant file's name (its header's `name:`, else the file's name) labels records, tables and
  // figures: a simple word. And a file that adds no text is the baseline under another name.
  if (!/^[A-Za-z0-9._-]{1,120}$/.test(variant.name) || /^\.+$/.test(variant.name)) {
    throw new UserError(`prompt variant ${variant.path}: its name ${JSON.stringify(variant.name.slice(0, 60))}${variant.name.length > 60 ? '…' : ''} is not 1 to 120 letters, digits, ".", "_" or "-"`, 'give it a simple name in its header (name: my-variant)');
  }
  if (variant.body.trim() === '' && variant.name !== 'baseline') {
    throw new UserError(`prompt variant ${variant.path} has no text after its header: it would add nothing (the baseline under another name)`, 'write the statement the variant adds below its header, or use the variant baseline');
  }
  return variant;
}

function readVariantFile(nameOrPath: string): PromptFile {
  const looksLikePath = /[\\/]/.test(nameOrPath) || nameOrPath.endsWith('.txt') || nameOrPath.endsWith('.md');
  if (looksLikePath) return readPromptFile(nameOrPath, 'prompt variant');
  const builtin = join(VARIANTS_DIR, `${nameOrPath}.txt`);
  if (!existsSync(builtin)) {
    throw new UserError(`unknown prompt variant "${nameOrPath}"`, `use one of: ${listVariants().join(', ')}, or a path to a variant file`);
  }
  return readPromptFile(builtin, 'prompt variant');
}

/** A variant written `on:` another: that variant's text first, then its own (the base's own base first). */
function withBase(variant: PromptFile, seen: string[]): PromptFile {
  if (!variant.on) return variant;
  if (seen.includes(variant.on)) throw new UserError(`prompt variant "${variant.name}" is written on "${variant.on}", which leads back to it`, 'remove the loop in the variants\' "on:" headers');
  const base = withBase(readVariantFile(variant.on), [...seen, variant.on]);
  const [baseParts, ownParts] = [variantParts(base), variantParts(variant)];
  const marked = base.marked || variant.marked ? { marked: joinParagraphs(base.marked ?? base.body, variant.marked ?? variant.body) } : {};
  return {
    ...variant,
    body: joinParagraphs(base.body, variant.body),
    ...marked,
    parts: { context: joinParagraphs(baseParts.context, ownParts.context), statement: joinParagraphs(baseParts.statement, ownParts.statement) },
  };
}

function joinParagraphs(...texts: string[]): string {
  return texts.map((t) => t.trim()).filter(Boolean).join('\n\n');
}

/** What a variant adds, by kind: a `context` variant's text is context, any other's a statement (a chain's, part by part). */
export function variantParts(variant: PromptFile): VariantParts {
  if (variant.parts) return variant.parts;
  const text = variant.body.trim();
  return variant.kind === 'context' ? { context: text, statement: '' } : { context: '', statement: text };
}

/** A variant made from text typed in a notebook or passed programmatically. */
export function inlineVariant(name: string, body: string, description = 'written inline'): PromptFile {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new UserError(`variant name "${name}" has characters other than letters, digits, ".", "_" and "-"`, 'choose a simple name');
  }
  return { name, description, body: body.trim(), path: '(inline)' };
}
