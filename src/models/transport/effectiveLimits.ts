// The limits each real model of a run will actually send under, printed when the run starts: the
// run's `concurrency` (samples in flight) and a provider's own limits are separate, and the smaller
// one wins. `--concurrency 64` with openai's default 16 in flight and 500 requests a minute sends
// at most 16 at once and about 8 a second; the line says so and how to raise it.
import { redactSecrets } from './secrets.js';
import { parseModelSpec } from '../spec.js';
import { resolveLimits, type ProviderLimits } from './limits.js';

export interface EffectiveLimits {
  spec: string;
  provider: string;
  limits: ProviderLimits;
}

/** Limits per distinct real (not `sim/`) model spec, from the defaults, the config's `limits` and the spec's options. */
export function effectiveLimits(specs: readonly string[], configured: Record<string, Record<string, unknown> | undefined> = {}): EffectiveLimits[] {
  const seen = new Set<string>();
  const out: EffectiveLimits[] = [];
  for (const raw of specs) {
    if (seen.has(raw)) continue;
    seen.add(raw);
    const spec = parseModelSpec(raw);
    if (spec.provider === 'sim') continue;
    out.push({ spec: `${spec.provider}/${spec.model}`, provider: spec.provider, limits: resolveLimits(spec.provider, configured[spec.provider], spec) });
  }
  return out;
}

const perMinute = (n: number, what: string) => (Number.isFinite(n) ? `${n} ${what}/min` : `no ${what}/min limit`);

/** One line per model; a provider limit below the run's concurrency is named with the way to raise it. */
export function formatEffectiveLimits(rows: readonly EffectiveLimits[], runConcurrency: number): string[] {
  return rows.map(({ spec, provider, limits }) => {
    const line = `limits ${redactSecrets(spec)}: ${limits.concurrency} in flight, ${perMinute(limits.requestsPerMinute, 'requests')}, ${perMinute(limits.tokensPerMinute, 'tokens')}, ${limits.timeoutMs / 1000} s timeout, ${limits.maxRetries} retries`;
    if (limits.concurrency >= runConcurrency) return line;
    return `${line} (caps concurrency ${runConcurrency} at ${limits.concurrency}: raise limits.${provider}.concurrency in the config, or add ?concurrency=${runConcurrency} to the model spec)`;
  });
}
