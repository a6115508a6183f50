// How far V8 lets a command's heap grow past what it holds. After each full collection V8 sets the
// next one's trigger at up to four times what survived it (less when collecting is slow); a command
// that streams a run holds a few tens of MB, so the rest of its heap is garbage waiting, and how much
// of it piled up depended on how long the command ran (a run of 10,000 samples peaked near 275 MB,
// of which under 45 MB was live). At 1.5 times (V8's --heap-growing-percent=50) the same run peaks
// near 200 MB at the same CPU (docs/performance.md, "What still grew from 10k to 1M").
import { setFlagsFromString } from 'node:v8';

/** The V8 flag af-lab's command line sets. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The flag to set, or undefined where the user gave node one of their own (`node
 * --heap-growing-percent=N`; node refuses it in NODE_OPTIONS): theirs stands.
 */
export function heapGrowthFlag(execArgv: readonly string[]): string | undefined {
  const given = execArgv.some((arg) => /^--heap[-_]growing[-_]percent=/.test(arg));
  return given ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Set the flag in this process (the command line's, before any work: V8 reads it each time it sets
 * the heap's next limit). Not for a library's users: a notebook's kernel keeps its own settings.
 */
export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
