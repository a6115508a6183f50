// The mean of a numeric score with its t interval, from running sums (n, sum, sum of squares), so a
// streamed summary keeps three numbers per group, not the values.
import jStat from 'jstat';

export interface MeanSums {
  n: number;
  sum: number;
  sumSq: number;
}

export interface MeanEstimate {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); null below two values. */
  sd: number | null;
  /** Student's t interval of the mean at the given confidence level; null below two values. */
  meanCi: [number, number] | null;
}

/** The mean, standard deviation and t interval of the values behind these sums. */
export function meanInterval({ n, sum, sumSq }: MeanSums, confLevel = 0.95): MeanEstimate {
  if (n === 0) return { n, mean: null, sd: null, meanCi: null };
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: null, meanCi: null };
  // Guarded against a tiny negative variance from rounding when every value is equal.
  const sd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
  const half = jStat.studentt.inv(1 - (1 - confLevel) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, meanCi: [mean - half, mean + half] };
}
