/**
 * Time limits in tests scale by one factor from the environment, AF_LAB_TEST_TIME_SCALE (default 1; CI sets
 * it), so a busy machine stretches every limit alike instead of failing tests that merely ran slowly. No test
 * asserts how long something took: limits only stop a test that would otherwise hang.
 */
export const TIME_SCALE = timeScale(process.env.AF_LAB_TEST_TIME_SCALE);

function timeScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 1) throw new Error(`AF_LAB_TEST_TIME_SCALE must be a number of at least 1, got '${raw}'`);
  return value;
}

/** A limit of `ms` milliseconds on a quiet machine, stretched by the environment's factor. */
export function scaled(ms: number): number {
  return Math.round(ms * TIME_SCALE);
}
