// How far V8 lets a command's heap grow past what it holds. After each full collection V8 sets the
// next one's trigger at up to four times what survived it (less when collecting is slow); a command
// that streams a run holds a few tens of MB, so the rest of its heap is garbage waiting, and how much
// of it piled up depended on how long the command ran (a run of 10,000 samples peaked near 275 MB,
// of which under 45 MB was live). At 1.5 times (V8's --heap-growing-percent=50) the same run peaks
// near 200 MB at the same CPU (docs/performance.md, "What still grew from 10k to 1M").
//
// And how large V8 lets the young generation grow. It starts at 1 MB a semi-space and doubles, up to
// 16 MB, each time more than its size has survived its collections since it last grew: a count that
// only adds up, so a long pass always reaches 16 MB (32 MB of memory: the young generation is two
// semi-spaces), and a short one stops on the way. That ramp was most of what still grew
// from 10,000 to 100,000 samples. Held at 4 MB a semi-space, every command that reads a run peaks
// 22-43 MB lower at 10k and 100k, at a CPU cost within the noise of three tries (docs/performance.md,
// "The young generation held at 4 MB"). V8 reads this one only when it starts, so it cannot be set here:
// the bin's first line (src/cli.ts) and `npm start` pass it to node, and test/heap-growth.test.ts
// checks that both carry NODE_START_FLAGS.
import { setFlagsFromString } from 'node:v8';

/** The V8 flag af-lab's command line sets. */
export const HEAP_GROWING_PERCENT = 50;

/** The young generation's largest semi-space, in MB (V8's default on 64-bit machines: 16). */
export const SEMI_SPACE_MB = 4;

/** The flags node is started with by the bin's first line and by `npm start` (V8 reads them only at start). */
export const NODE_START_FLAGS = [`--max-semi-space-size=${SEMI_SPACE_MB}`] as const;

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
