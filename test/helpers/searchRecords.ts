// Records with varied text, for the report's search tests and bench/report-search.ts: words drawn
// from a vocabulary of made-up words with a Zipf law (a few common, many rare), like a model's
// transcripts, so a search index has the sizes real text gives it. Made one at a time from a template
// record: a generator of 100,000 holds one.
import type { SampleRecord } from '../../src/core/types.js';
import type { ReportRow } from '../../src/report/rows.js';
import { searchedTexts, searchWords, type SearchDirectory } from '../../src/report/searchIndex.js';
import { prng, syntheticRecords } from '../plots-records.js';

const SYLLABLES = ['ka', 'to', 're', 'mi', 'lu', 'sa', 'ne', 'po', 'di', 'va', 'gre', 'thi', 'an', 'or', 'el', 'us', 'qu', 'bri', 'ze', 'fo'];

/** A vocabulary of `size` distinct lower-case made-up words, the first ones short. */
function vocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = 1 + Math.floor(random() * (words.size < 50 ? 2 : 4));
    let word = '';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

export interface SearchRecordOptions {
  count: number;
  seed?: number;
  /** Distinct words (default 20,000). */
  vocabulary?: number;
  /** Words per scratchpad (default 400, about 2,500 characters); outputs have a tenth. */
  scratchpadWords?: number;
}

/** `count` records with Zipf-distributed text in request, scratchpad and output, made one at a time. */
export function* searchRecords(options: SearchRecordOptions): Generator<SampleRecord> {
  const random = prng(options.seed ?? 11);
  const vocab = vocabulary(options.vocabulary ?? 20_000, random);
  // Zipf (s = 1): word k drawn with weight 1/(k+1), through its cumulative share.
  const cumulative = new Float64Array(vocab.length);
  let total = 0;
  vocab.forEach((_, k) => (cumulative[k] = total += 1 / (k + 1)));
  const draw = (): string => {
    const x = random() * total;
    let lo = 0;
    let hi = vocab.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo];
  };
  const text = (words: number): string => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(i % 12 === 0 ? draw().replace(/^./, (c) => c.toUpperCase()) : draw());
    return `${out.join(' ')}.`;
  };
  const templates = syntheticRecords({ requests: 2 });
  const requests = Array.from({ length: 60 }, () => text(25));
  const scratchpadWords = options.scratchpadWords ?? 400;
  for (let i = 0; i < options.count; i++) {
    const template = templates[i % templates.length];
    yield {
      ...template,
      key: `${template.key}|${i}`,
      request: { ...template.request, id: `r${i % 60}`, text: requests[i % 60] },
      scratchpad: template.reasoning === 'cot' ? `<SCRATCHPAD_REASONING>${text(scratchpadWords)}</SCRATCHPAD_REASONING>` : null,
      finalOutput: template.finalOutput === null ? null : `${template.finalOutput.split('\n')[0]}\n${text(Math.ceil(scratchpadWords / 10))}`,
    };
  }
}

/**
 * The index files a query word needs, as the page picks them (report/client.ts prefixBits): its own
 * prefix file when it has one, else the shards whose word range, first to last, may hold a word
 * starting with it.
 */
export function indexFilesFor(directory: SearchDirectory, word: string): string[] {
  const k = directory.prefixes.indexOf(word);
  if (k >= 0) return [`search-p${k}.js`];
  return directory.first.map((_, n) => n).filter((n) => directory.last[n] >= word && directory.first[n] < `${word}\uffff`).map((n) => `search-${n}.js`);
}

/** Word -> rows, by reading every row's texts (what the index must hold). */
export function bruteForce(rows: ReportRow[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  rows.forEach((row, at) => {
    for (const word of new Set(searchedTexts(row).flatMap(searchWords))) {
      if (!out.has(word)) out.set(word, []);
      out.get(word)!.push(at);
    }
  });
  return out;
}
