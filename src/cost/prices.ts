// Prices per million tokens, from data/prices.json (an editable file with the date its prices were
// read). A model spec is matched against its keys; `*` matches anything, the longest match wins.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.js';

export interface ModelPrice {
  /** Dollars per million input tokens. */
  input: number;
  /** Dollars per million input tokens served from the provider's prompt cache (defaults to `input`). */
  cachedInput?: number;
  /** Dollars per million input tokens written to the prompt cache (Anthropic; defaults to `input`). */
  cacheWrite?: number;
  output: number;
}

export interface CachingPolicy {
  /** The provider caches repeated prompt prefixes without being asked (OpenAI). */
  automatic: boolean;
  minPromptTokens?: number;
  note?: string;
}

export interface PriceTable {
  date: string;
  currency: string;
  source?: string;
  caching: Record<string, CachingPolicy>;
  models: Record<string, ModelPrice>;
}

/** data/prices.json of the package (src/cost → ../../data, also from dist/cost). */
export const DEFAULT_PRICES_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/prices.json');

let defaultTable: PriceTable | undefined;

export function loadPrices(path = DEFAULT_PRICES_PATH): PriceTable {
  if (path === DEFAULT_PRICES_PATH && defaultTable) return defaultTable;
  let table: PriceTable;
  try {
    table = JSON.parse(readFileSync(path, 'utf8')) as PriceTable;
  } catch (err) {
    throw new UserError(`cannot read the price table ${path} (${(err as Error).message})`, 'restore data/prices.json or give a valid JSON price file');
  }
  if (!table.models || typeof table.models !== 'object') throw new UserError(`price table ${path} has no "models" object`, 'see data/prices.json for the format');
  for (const [key, price] of Object.entries(table.models)) {
    if (typeof price.input !== 'number' || typeof price.output !== 'number') {
      throw new UserError(`price of "${key}" in ${path} needs numeric "input" and "output"`, 'give dollars per million tokens');
    }
  }
  table.caching ??= {};
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
