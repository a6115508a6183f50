// The power figure's curves: Fisher's exact test (or its normal approximation) at the run's typical
// samples per tier, for a few assumed unmonitored compliance rates and the run's own.
import { detectableGap, fisherPower, fisherPowerNormal } from '../stats/power.js';
import type { OutcomeCounts, PowerFigureInput } from './inputs.js';

export interface PowerOptions {
  alpha?: number;
  target?: number;
  /** Assumed unmonitored (paid-tier) compliance rates, one curve each. Default: 1%, 5%, 15% and the run's own. */
  baselines?: number[];
}

/** The median of the labelled samples per condition and tier: the run's typical n per tier. */
export function typicalSamplesPerTier(outcomes: OutcomeCounts[]): number {
  const totals = outcomes.map((o) => o.total).filter((n) => n > 0).sort((a, b) => a - b);
  return totals.length ? totals[Math.floor((totals.length - 1) / 2)] : 0;
}

export function powerInput(outcomes: OutcomeCounts[], options: PowerOptions = {}): PowerFigureInput {
  const alpha = options.alpha ?? 0.05;
  const target = options.target ?? 0.8;
  const n = typicalSamplesPerTier(outcomes);
  const paid = outcomes.filter((o) => o.tier === 'paid');
  const paidTotal = paid.reduce((s, o) => s + o.total, 0);
  const observed = paidTotal ? paid.reduce((s, o) => s + o.complies + o.compliesAf + o.partial, 0) / paidTotal : null;
  const baselines = options.baselines ?? [0.01, 0.05, 0.15];
  const all = [...baselines];
  if (!options.baselines && observed !== null && baselines.every((b) => Math.abs(b - observed) > 0.005)) all.push(observed);
  all.sort((a, b) => a - b);
  // Exact power enumerates tables: fine to a few hundred per tier; beyond, the normal approximation.
  const method = n <= 400 ? 'exact' : 'normal';
  if (n === 0) return { nPerTier: 0, method, alpha, target, curves: [], detectableGap: [] };
  const maxGap = 0.6;
  const curves = all.map((base) => {
    const points: Array<{ gap: number; power: number }> = [];
    for (let gap = 0; gap <= Math.min(maxGap, 1 - base) + 1e-9; gap += 0.01) {
      const g = Math.round(gap * 100) / 100;
      const args = { nFree: n, nPaid: n, pFree: base + g, pPaid: base, alpha };
      points.push({ gap: g, power: method === 'exact' ? fisherPower(args) : fisherPowerNormal(args) });
    }
    const isObserved = observed !== null && base === observed && !baselines.includes(base);
    return { label: `unmonitored rate ${(100 * base).toFixed(base < 0.1 ? 1 : 0)}%${isObserved ? ' (this run)' : ''}`, baseline: base, points };
  });
  return {
    nPerTier: n,
    method,
    alpha,
    target,
    curves,
    detectableGap: all.map((base) => detectableGap({ nFree: n, nPaid: n, base, power: target, alpha, method })),
  };
}
