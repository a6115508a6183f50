// Prices per million tokens, from data/prices.json (an editable file with the date its prices were
// read). A model spec is matched against its keys; `*` matches anything, the longest match wins.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { parseChecked } from '../core/validate.js';

const dollarsPerMillion = z.number().nonnegative();

const modelPriceSchema = z.object({
  /** Dollars per million input tokens. */
  input: dollarsPerMillion,
  /** Dollars per million input tokens served from the provider's prompt cache (defaults to `input`). */
  cachedInput: dollarsPerMillion.optional(),
  /** Dollars per million input tokens written to the prompt cache (Anthropic; defaults to `input`). */
  cacheWrite: dollarsPerMillion.optional(),
  output: dollarsPerMillion,
});

const cachingPolicySchema = z.object({
  /** The provider caches repeated prompt prefixes without being asked (OpenAI). */
  automatic: z.boolean(),
  minPromptTokens: z.number().int().nonnegative().optional(),
  note: z.string().optional(),
});

const batchPolicySchema = z.object({
  /** The batch price as a share of the direct one, on every token class (0.5: half price). */
  discount: z.number().positive().max(1),
  note: z.string().optional(),
});

const priceTableSchema = z.object({
  date: z.string(),
  currency: z.string(),
  source: z.string().optional(),
  caching: z.record(z.string(), cachingPolicySchema).default({}),
  /** Providers with a batch API, and what their batch price is (see docs/batch.md). */
  batch: z.record(z.string(), batchPolicySchema).optional(),
  models: z.record(z.string(), modelPriceSchema),
});

export type ModelPrice = z.output<typeof modelPriceSchema>;
export type CachingPolicy = z.output<typeof cachingPolicySchema>;
export type PriceTable = z.output<typeof priceTableSchema>;

/** data/prices.json of the package (src/cost → ../../data, also from dist/cost). */
export const DEFAULT_PRICES_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/prices.json');

let defaultTable: PriceTable | undefined;

export function loadPrices(path = DEFAULT_PRICES_PATH): PriceTable {
  if (path === DEFAULT_PRICES_PATH && defaultTable) return defaultTable;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read the price table ${path} (${(err as Error).message})`, 'restore data/prices.json or give a valid JSON price file');
  }
  const table = parseChecked(priceTableSchema, json, `price table ${path}`, 'give "models" with numeric "input" and "output" dollars per million tokens, as in data/prices.json');
  if (path === DEFAULT_PRICES_PATH) defaultTable = table;
  return table;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The price of a model spec (options after `?` ignored), or undefined when the table does not know it. */
export function priceFor(modelSpec: string, table: PriceTable = loadPrices()): ModelPrice | undefined {
  const bare = modelSpec.split('?')[0];
  if (table.models[bare]) return table.models[bare];
  let best: { key: string; price: ModelPrice } | undefined;
  for (const [key, price] of Object.entries(table.models)) {
    if (!key.includes('*') || !globToRegExp(key).test(bare)) continue;
    if (!best || key.replace(/\*/g, '').length > best.key.replace(/\*/g, '').length) best = { key, price };
  }
  return best?.price;
}

export function cachingFor(modelSpec: string, table: PriceTable = loadPrices()): CachingPolicy {
  const provider = modelSpec.slice(0, modelSpec.indexOf('/'));
  return table.caching[provider] ?? { automatic: false };
}

/**
 * The price of a model spec's calls sent through its provider's batch API: the direct price times the
 * provider's batch discount; undefined when the model has no price or the provider no batch price.
 */
export function batchPriceFor(modelSpec: string, table: PriceTable = loadPrices()): ModelPrice | undefined {
  const price = priceFor(modelSpec, table);
  const policy = table.batch?.[modelSpec.slice(0, modelSpec.indexOf('/'))];
  if (!price || !policy) return undefined;
  const scale = (v: number | undefined) => (v === undefined ? undefined : v * policy.discount);
  return {
    input: price.input * policy.discount,
    output: price.output * policy.discount,
    ...(price.cachedInput !== undefined ? { cachedInput: scale(price.cachedInput) } : {}),
    ...(price.cacheWrite !== undefined ? { cacheWrite: scale(price.cacheWrite) } : {}),
  };
}

/** The share of the direct price a provider's batch API charges (0.5: half), or undefined when it has none in the table. */
export function batchDiscountFor(modelSpec: string, table: PriceTable = loadPrices()): number | undefined {
  return table.batch?.[modelSpec.slice(0, modelSpec.indexOf('/'))]?.discount;
}
