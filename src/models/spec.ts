// Model spec strings: `provider/model`, optionally with `?key=value&...` options,
// e.g. `openai/gpt-4o-mini`, `anthropic/claude-3-5-sonnet-latest`, `sim/faker?free=0.3&paid=0.05&seed=7`.
import { UserError } from '../core/errors.js';
import { redactSecrets } from './transport/secrets.js';

export interface ModelSpec {
  /** The whole spec as written. */
  raw: string;
  provider: string;
  /** Everything between the first `/` and the `?` (may itself contain `/`, e.g. a GGUF path). */
  model: string;
  options: Record<string, string>;
}

export function parseModelSpec(raw: string): ModelSpec {
  const slash = raw.indexOf('/');
  if (slash <= 0 || slash === raw.length - 1) {
    throw new UserError(`model spec "${raw}" is not of the form provider/model`, 'write it like "sim/faker" or "openai/gpt-4o-mini"');
  }
  const provider = raw.slice(0, slash);
  const rest = raw.slice(slash + 1);
  const q = rest.indexOf('?');
  const model = q === -1 ? rest : rest.slice(0, q);
  const options: Record<string, string> = {};
  if (q !== -1) {
    for (const [key, value] of new URLSearchParams(rest.slice(q + 1))) options[key] = value;
  }
  if (!model) throw new UserError(`model spec "${raw}" has no model name`, 'write it like "sim/faker" or "openai/gpt-4o-mini"');
  refuseCredentials(provider, model, options);
  return { raw, provider, model, options };
}

/** `scheme://user:password@` (or `scheme://token@`): credentials written into a URL. */
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+@/i;

/**
 * Specs are written into run.json, records, summaries, reports and figures, so a key (`?api_key=`,
 * `?key=`) or a password in a URL is refused for every provider, before anything is written or
 * estimated. The error shows the spec with those values masked.
 */
function refuseCredentials(provider: string, model: string, options: Record<string, string>): void {
  const hasKey = options.api_key !== undefined || options.key !== undefined;
  const inUrl = [model, ...Object.values(options)].some((value) => URL_CREDENTIALS.test(value));
  if (!hasKey && !inUrl) return;
  const masked = Object.entries(options).map(([k, v]) => `${k}=${k === 'api_key' || k === 'key' ? '[redacted]' : redactSecrets(v)}`);
  const shown = `${provider}/${redactSecrets(model)}${masked.length ? `?${masked.join('&')}` : ''}`;
  if (hasKey) {
    throw new UserError(`model spec "${shown}" carries an API key`, "put the key in the provider's environment variable (or name another with api_key_env=NAME); specs are written into results");
  }
  throw new UserError(`model spec "${shown}" has credentials in a URL (user:password@)`, 'give the base URL without them and the key through an environment variable (api_key_env=NAME); specs are written into results');
}

/** Read a numeric option, with a clear error naming the spec when it is not a number in range. */
export function numberOption(spec: ModelSpec, key: string, fallback: number, range: [number, number] = [-Infinity, Infinity]): number {
  const text = spec.options[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < range[0] || value > range[1]) {
    throw new UserError(`option ${key}=${text} in model spec "${spec.raw}" is not a number in [${range[0]}, ${range[1]}]`, `give ${key} a number in that range`);
  }
  return value;
}
