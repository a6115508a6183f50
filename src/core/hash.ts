import { hash } from 'node:crypto';

export function sha256(text: string | Buffer): string {
  return hash('sha256', text, 'hex');
}

/** JSON with object keys sorted, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

/** A copy of a JSON value whose objects list their keys in sorted order (after toJSON, as JSON.stringify sees them). */
function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const plain = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
  if (plain === null || typeof plain !== 'object') return plain;
  if (Array.isArray(plain)) return plain.map(sortedKeys);
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(plain).sort()) sorted[key] = sortedKeys((plain as Record<string, unknown>)[key]);
  return sorted;
}

export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}
