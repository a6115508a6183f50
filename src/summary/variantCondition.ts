// A variant's condition in the summary: its name, or its name plus the short hash of the statement
// when one name carries more than one text in the records (a statement edited under the same name).
// Two texts are two conditions: merging them would average two different interventions.
import type { SampleRecord } from '../core/types.js';

/** Characters of the statement's sha256 shown after `@`, as in `koorndijk-a@1a2b3c4`. */
export const SHORT_HASH = 7;
/** Stands for the hash of records written before af-lab kept one. */
export const UNHASHED = 'unhashed';

/**
 * For these records, the function naming each record's variant condition: `name` when every record
 * of that name saw the same statement, `name@<7 hex>` (or `name@unhashed`) when they did not.
 */
export function variantConditions(records: readonly Pick<SampleRecord, 'variant' | 'variantHash'>[]): (record: Pick<SampleRecord, 'variant' | 'variantHash'>) => string {
  const texts = new Map<string, Set<string>>();
  for (const record of records) {
    let hashes = texts.get(record.variant);
    if (!hashes) texts.set(record.variant, (hashes = new Set()));
    hashes.add(record.variantHash ?? UNHASHED);
  }
  return (record) => {
    if ((texts.get(record.variant)?.size ?? 1) <= 1) return record.variant;
    const hash = record.variantHash ?? UNHASHED;
    return `${record.variant}@${hash === UNHASHED ? hash : hash.slice(0, SHORT_HASH)}`;
  };
}
