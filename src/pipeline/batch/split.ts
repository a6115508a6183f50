// A round's lines cut into batches at the provider's documented limits (requests per batch, bytes per
// file or request), and which limit cut them, for the one line that says so.
import type { BatchLimits } from '../../models/batch/index.js';

/** Cut lines into batches at the documented limits; which limit cut them, if any. */
export function splitAtLimits<T>(lines: readonly T[], limits: BatchLimits, bytesOf: (line: T) => number): { chunks: T[][]; splitBy?: string } {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  let splitBy: string | undefined;
  for (const line of lines) {
    const size = bytesOf(line);
    if (current.length > 0 && (current.length >= limits.maxRequests || bytes + size > limits.maxBytes)) {
      splitBy ??= current.length >= limits.maxRequests ? `limit of ${limits.maxRequests.toLocaleString('en-US')} requests per batch` : `limit of ${formatBytes(limits.maxBytes)} per batch`;
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return { chunks, ...(splitBy ? { splitBy } : {}) };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}
