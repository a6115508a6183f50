// Number formatting shared by the calculator and the summary table: rates as percentages,
// p-values with enough digits to compare against a paper, tiny ones in exponent form.

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  return `${(100 * x).toFixed(digits)}%`;
}

/** Gap in percentage points with a sign. */
export function formatPoints(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  const text = (100 * x).toFixed(digits);
  // A value that rounds to zero prints as +0.0, never -0.0.
  return Number(text) === 0 ? `+${(0).toFixed(digits)}` : `${x > 0 ? '+' : ''}${text}`;
}

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '-';
  // Below the double range's useful end (a p that underflowed to 0 included): never "0".
  if (p < 1e-300) return '< 1e-300';
  if (p < 1e-4) return p.toExponential(2);
  if (p >= 0.9999) return p >= 1 ? '1' : p.toFixed(4);
  return p.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export function formatRatio(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (x === Infinity) return 'Inf';
  if (x === 0) return '0';
  if (x >= 1000 || x < 0.001) return x.toExponential(2);
  return x.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export function formatInterval(interval: [number, number] | null | undefined, format: (x: number) => string): string {
  if (!interval) return '-';
  return `[${format(interval[0])}, ${format(interval[1])}]`;
}

/** JSON.stringify that keeps Infinity as "Infinity" (JSON has no infinities) and NaN as null. */
export function statsJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? null : v > 0 ? 'Infinity' : '-Infinity') : v),
    indent,
  );
}
