// Which results belong to an intent. Each line goes to the provider under a custom id made of its
// intent's id and its index in the intent (`<intent>_<index>`), so a batch's results prove whose lines
// they are: a batch found again after a kill (on Anthropic, possibly by its size and time alone) is
// adopted only if every result it returns is one of the intent's lines, each once.
import type { BatchLine, LineResult } from '../../models/batch/index.js';

/** The custom id line `index` of an intent is sent under (letters, digits, `-` and `_`: both APIs take it). */
export function wireId(intentId: string, index: number): string {
  return `${intentId}_${index}`;
}

/** An intent's lines as sent: their own ids replaced by wire ids. */
export function wireLines(intentId: string, lines: readonly BatchLine[]): BatchLine[] {
  return lines.map((line, index) => ({ customId: wireId(intentId, index), body: line.body }));
}

/**
 * A batch's results as the intent's lines (each result under its line's own id), or why they are not
 * the intent's: a custom id that is not `<intent>_<index>` of one of its lines, or a line answered twice.
 */
export function ownResults(intentId: string, lineIds: readonly string[], results: readonly LineResult[]): { results: LineResult[] } | { refused: string } {
  const prefix = `${intentId}_`;
  const seen = new Set<number>();
  const own: LineResult[] = [];
  for (const result of results) {
    const digits = result.customId.startsWith(prefix) ? result.customId.slice(prefix.length) : '';
    const index = /^(0|[1-9][0-9]*)$/.test(digits) ? Number(digits) : -1;
    if (index < 0 || index >= lineIds.length) return { refused: `its line ${JSON.stringify(result.customId)} is not one of intent ${intentId}'s ${lineIds.length} lines` };
    if (seen.has(index)) return { refused: `it answers line ${JSON.stringify(result.customId)} twice` };
    seen.add(index);
    own.push({ ...result, customId: lineIds[index] });
  }
  return { results: own };
}
