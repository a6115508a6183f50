// Special functions with full double precision in the tails. jstat gives good starting values
// (quantiles, beta inverse), but its erfc loses relative accuracy beyond |x| = 3 and underflows
// by |x| = 10, which would turn a p-value of 1e-40 into 0; these routines keep it.
import jStat from 'jstat';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const LN_SQRT_2PI = 0.9189385332046728;

/** erf(x) for |x| < 1.5 by the all-positive series erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (2n+1)!!. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 1.5 by the continued fraction erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
function erfcContinuedFraction(x: number): number {
  // Modified Lentz evaluation of x + a1/(x + a2/(x + ...)), a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** Complementary error function, accurate to a few ulps in relative terms over the whole line. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1.5) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest double
  return erfcContinuedFraction(x);
}

/** Standard normal upper tail P(Z > z), relative accuracy kept far into the tail. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Standard normal CDF P(Z <= z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LN_SQRT_2PI);
}

/** Standard normal quantile: jstat's value polished by Newton steps on the accurate tail. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantileLower(1 - p);
  return normalQuantileLower(p);
}

function normalQuantileLower(p: number): number {
  let z = jStat.normal.inv(p, 0, 1);
  for (let i = 0; i < 3; i++) {
    const step = (normalCdf(z) - p) / normalPdf(z);
    if (!Number.isFinite(step)) break;
    z -= step;
    if (Math.abs(step) < 1e-15 * Math.abs(z)) break;
  }
  return z;
}

/**
 * Brent's root finder (zeroin) on a bracket [a, b] where f changes sign. Converges to within
 * `xtol/2 + 2 eps |x|`, so relative precision holds for roots of any size.
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, xtol = 0, maxIter = 300): number {
  const eps = Number.EPSILON;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if ((fa > 0) === (fb > 0)) throw new Error(`brentRoot: no sign change on [${a}, ${b}]`);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tol = 2 * eps * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < 3 * m * q - Math.abs(tol * q) && p < Math.abs(0.5 * e * q)) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
    if ((fb > 0) === (fc > 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
  }
  return b;
}

/**
 * Chi-square upper tail P(X > x) for a whole number of degrees of freedom, by the closed forms
 * (odd df: erfc plus a finite series; even df: a Poisson sum), so tail p-values such as 1e-40 keep
 * their relative accuracy where 1 - cdf would return 0.
 */
export function chiSquareSf(x: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`chiSquareSf: df must be a whole number >= 1, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const half = x / 2;
  if (df % 2 === 1) {
    let sum = 0;
    let term = Math.sqrt(x) * Math.exp(-half) * Math.sqrt(2 / Math.PI); // j = 1: sqrt(2x/pi) e^(-x/2)
    for (let j = 1; j <= (df - 1) / 2; j++) {
      sum += term;
      term *= x / (2 * j + 1);
    }
    return erfc(Math.sqrt(half)) + sum;
  }
  let sum = 0;
  let term = Math.exp(-half);
  for (let j = 0; j < df / 2; j++) {
    sum += term;
    term *= half / (j + 1);
  }
  return Math.min(1, sum);
}
