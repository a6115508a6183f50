// The report's text search: the rule, and the index a paged report carries so that a search at
// 100k transcripts reads a few small files instead of every transcript.
//
// The rule (the same in both layouts; report/client.ts applies it in the page): text is lower-cased
// (toLowerCase) and cut into words, runs of letters and digits (WORD_SOURCE); everything else
// separates words. A transcript matches a query when every word of the query begins some word of
// its request, its reasoning (the prompted scratchpad, or a reasoning model's own text) or its final
// output: `train` finds "training", `values modify` finds "modify my values". A quoted phrase
// (`"modify my values"`; a quote left open runs to the end of the query) matches when its words
// follow one another in one of those texts, with nothing but separators between them, each a whole
// word except the last, which begins a word (so a phrase narrows key by key as it is typed). A query
// without a letter or digit filters nothing. Labels are not searched (the filters select them).
// The index finds a phrase's candidates (every one of its words begins a word of the transcript);
// the page then reads the candidates' texts to check the phrase.
//
// The index (paged layout): every word of the searched texts, sorted, with the positions (in report
// order) of the transcripts that hold it, cut into shards of about SHARD_BYTES by word range.
// `search-<n>.js` holds a shard's words and their lists, each list as delta varints or as a bitset
// (whichever is smaller), base64; `search-p<k>.js` the list of a beginning whose words run across
// shards (see files()), so that any query word reads one file; `search.js` each shard's first and
// last word and those beginnings. Built row by row; memory is the lists, packed (a byte or two per
// transcript and distinct word, at most a bit per transcript for each word), up to a budget, past
// which they go to a scratch file (report/postings.ts).
import { jsonForScript } from '../core/safeJson.js';
import { bitsetRows, decodeVarints, PostingLists, varintLength, type SpillCounts } from './postings.js';
import type { ReportRow } from './rows.js';

/** A word, as a regular expression source (flags gu): runs of Unicode letters and digits. */
export const WORD_SOURCE = '[\\p{L}\\p{N}]+';
const WORD = new RegExp(WORD_SOURCE, 'gu');

/**
 * Bytes of word lists the builder keeps in memory (the rest goes to a scratch file): a 10,000-
 * transcript report of 2,500-character scratchpads (test/helpers/searchRecords.ts) takes 2.6 MB.
 */
export const SEARCH_BUDGET_BYTES = 4 * 1024 * 1024;

/** Encoded bytes of postings per search shard (the last word of a shard may take it past this). */
export const SHARD_BYTES = 64 * 1024;

/** The words of a text (or query) under the search rule, in order, repeats kept. */
export function searchWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The texts a search reads of a row: request, scratchpad, native reasoning, final output. */
export function searchedTexts(row: ReportRow): string[] {
  return [row.request, row.scratchpad, row.nativeReasoning?.text ?? null, row.output].filter((text): text is string => typeof text === 'string');
}

/** A query under the search rule: its words (each must begin a word) and its quoted phrases of two words or more. */
export interface SearchQuery {
  /** Every word of the query, phrases' words included. */
  words: string[];
  phrases: string[][];
}

/** The words and phrases of a query: text between a pair of double quotes (or after an unpaired one) is a phrase. */
export function parseSearchQuery(query: string): SearchQuery {
  const phrases = query
    .split('"')
    .filter((_, at) => at % 2 === 1)
    .map(searchWords)
    .filter((phrase) => phrase.length > 1);
  return { words: searchWords(query), phrases };
}

/** Whether `words` hold `phrase` in a row: whole words, the last one a beginning. */
export function holdsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  const last = phrase.length - 1;
  for (let at = 0; at + last < words.length; at++) {
    let k = 0;
    while (k < last && words[at + k] === phrase[k]) k++;
    if (k === last && words[at + last].startsWith(phrase[last])) return true;
  }
  return false;
}

/** Whether a row matches a query, by the rule itself (no index): what the index and the page must agree with. */
export function rowMatchesSearch(row: ReportRow, query: string): boolean {
  const { words: wanted, phrases } = parseSearchQuery(query);
  if (wanted.length === 0) return true;
  const texts = searchedTexts(row).map(searchWords);
  const words = [...new Set(texts.flat())];
  if (!wanted.every((prefix) => words.some((word) => word.startsWith(prefix)))) return false;
  return phrases.every((phrase) => texts.some((text) => holdsPhrase(text, phrase)));
}

/**
 * A list as the index stores it: `v` + base64 of the delta varints, or `b` + base64 of a bitset
 * over all rows, whichever is shorter. `rows` yields the positions ascending (called twice at most,
 * three times when `varintBytes`, the varints' length, is not given). Made in typed buffers of the
 * size chosen: a word in a million transcripts never becomes an array of numbers.
 */
function encodeRows(rows: () => Iterable<number>, count: number, varintBytes?: number): string {
  let length = varintBytes ?? 0;
  let last = -1;
  if (varintBytes === undefined) {
    for (const row of rows()) {
      length += varintLength(row - last);
      last = row;
    }
  }
  const bitsetBytes = Math.ceil(count / 8);
  if (length <= bitsetBytes) {
    const varints = Buffer.alloc(length);
    let at = 0;
    last = -1;
    for (const row of rows()) {
      let delta = row - last;
      last = row;
      while (delta >= 0x80) {
        varints[at++] = (delta & 0x7f) | 0x80;
        delta >>>= 7;
      }
      varints[at++] = delta;
    }
    return `v${varints.toString('base64')}`;
  }
  const bits = new Uint8Array(bitsetBytes);
  for (const row of rows()) bits[row >> 3] |= 1 << (row & 7);
  return `b${Buffer.from(bits.buffer).toString('base64')}`;
}

/** The length encodeRows gives a list of `varintBytes` bytes as delta varints, without making it (the shards are cut by it before they are written). */
function encodedLength(varintBytes: number, count: number): number {
  return 1 + 4 * Math.ceil(Math.min(varintBytes, Math.ceil(count / 8)) / 3);
}

/** Characters of the longest query word that still finds its transcripts in one index file (see files()). */
export const PREFIX_FILE_MAX = 32;

/** The positions a stored list holds (for tests and benches; the page decodes lists itself). */
export function decodeList(list: string): number[] {
  const bytes = Buffer.from(list.slice(1), 'base64');
  if (list[0] === 'v') return [...decodeVarints(bytes)];
  const rows: number[] = [];
  bytes.forEach((byte, at) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) rows.push(at * 8 + bit);
  });
  return rows;
}

/**
 * What `search.js` holds: the row count; per shard, its first and last word; and the query words
 * whose words lie in more than one shard, sorted, each with its own file of the rows of all its words.
 */
export interface SearchDirectory {
  rows: number;
  first: string[];
  last: string[];
  prefixes: string[];
}

/** What `search-<n>.js` holds: its words, sorted, and each one's list. */
export interface SearchShard {
  words: string[];
  lists: string[];
}

/** A file of the search index: its name in the data folder and its text. */
export interface SearchFile {
  name: string;
  text: string;
}

/** The search index of a paged report, built one row at a time (rows in report order). */
export class SearchIndexBuilder {
  private readonly postings: PostingLists;
  private count = 0;

  constructor(
    private readonly shardBytes = SHARD_BYTES,
    budgetBytes = SEARCH_BUDGET_BYTES,
  ) {
    this.postings = new PostingLists(budgetBytes);
  }

  get rows(): number {
    return this.count;
  }

  /** Distinct words so far. */
  get words(): number {
    return this.postings.words;
  }

  /** Bytes the lists take in memory (their buffers): at most the budget between rows (report/postings.ts). */
  get bytes(): number {
    return this.postings.bytes;
  }

  /** What went to the scratch file (nothing, and no file opened, while the lists fit the budget). */
  get spilled(): SpillCounts {
    return this.postings.spilled;
  }

  /** Close the scratch file, if one was opened (files() does when it has read every list). Safe to call twice. */
  close(): void {
    this.postings.close();
  }

  add(row: ReportRow): void {
    const at = this.count++;
    for (const text of searchedTexts(row)) {
      for (const word of searchWords(text)) this.postings.add(word, at);
    }
  }

  /**
   * The index's files: the shards and prefix files, then `search.js`; each list is dropped as its
   * shard is made, so the builder is empty afterwards (and its scratch file closed).
   *
   * A query word needs the rows of every word it begins. When those words lie in one shard, that
   * shard is all it reads; when they cross from one shard into the next, the word is a *prefix*: the
   * common beginning (up to PREFIX_FILE_MAX characters) of the last word of a shard and the first of
   * the next, or a shorter beginning of it. Each prefix gets a file of its own (`search-p<k>.js`,
   * k its place in `prefixes`) with the union of its words' rows, so any query word reads one file.
   * Two passes over the sorted words: the first cuts the shards (by the lists' encoded lengths) and
   * finds the prefixes, the second writes; the second keeps a bitset of rows for each prefix of the
   * current word that is one (a few at a time). The first pass reads nothing back from the scratch
   * file (a list's encoded length follows from its varint bytes, counted as rows were added); the
   * second reads each word's segments once.
   */
  *files(): Generator<SearchFile> {
    const words = this.postings.sortedWords();
    const starts: number[] = [];
    let size = this.shardBytes;
    words.forEach((word, at) => {
      if (size >= this.shardBytes) {
        starts.push(at);
        size = 0;
      }
      size += word.length + encodedLength(this.postings.varintBytes(word), this.count) + 6;
    });
    const prefixSet = new Set<string>();
    for (const at of starts.slice(1)) {
      const [before, after] = [words[at - 1], words[at]];
      let common = 0;
      while (common < Math.min(before.length, after.length, PREFIX_FILE_MAX) && before[common] === after[common]) common++;
      for (let length = 1; length <= common; length++) prefixSet.add(after.slice(0, length));
    }
    const prefixes = [...prefixSet].sort();
    const prefixAt = new Map(prefixes.map((prefix, k) => [prefix, k]));
    const bitsetBytes = Math.ceil(this.count / 8);
    // The prefixes of the current word that have a file, shortest first, each with its rows so far.
    const open: Array<{ prefix: string; bits: Uint8Array }> = [];
    const close = (): SearchFile => {
      const { prefix, bits } = open.pop()!;
      // A prefix's rows include its longer prefixes' rows.
      if (open.length > 0) {
        const parent = open[open.length - 1].bits;
        for (let j = 0; j < bits.length; j++) parent[j] |= bits[j];
      }
      const k = prefixAt.get(prefix)!;
      return { name: `search-p${k}.js`, text: `afReportSearchPrefix(${k},${jsonForScript(encodeRows(() => bitsetRows(bits), this.count))});\n` };
    };
    const first: string[] = [];
    const last: string[] = [];
    let shard: SearchShard = { words: [], lists: [] };
    const flush = (): SearchFile => {
      const file = { name: `search-${first.length}.js`, text: `afReportSearchShard(${first.length},${jsonForScript(shard)});\n` };
      first.push(shard.words[0]);
      last.push(shard.words[shard.words.length - 1]);
      shard = { words: [], lists: [] };
      return file;
    };
    let next = 1;
    for (const [at, word] of words.entries()) {
      if (at === starts[next]) {
        yield flush();
        next++;
      }
      while (open.length > 0 && !word.startsWith(open[open.length - 1].prefix)) yield close();
      for (let length = (open.at(-1)?.prefix.length ?? 0) + 1; length <= Math.min(word.length, PREFIX_FILE_MAX); length++) {
        if (prefixAt.has(word.slice(0, length))) open.push({ prefix: word.slice(0, length), bits: new Uint8Array(bitsetBytes) });
      }
      const { rows, varintBytes } = this.postings.take(word);
      if (open.length > 0) {
        const bits = open[open.length - 1].bits;
        for (const row of rows()) bits[row >> 3] |= 1 << (row & 7);
      }
      shard.words.push(word);
      shard.lists.push(encodeRows(rows, this.count, varintBytes));
    }
    this.postings.close();
    while (open.length > 0) yield close();
    if (shard.words.length > 0) yield flush();
    const directory: SearchDirectory = { rows: this.count, first, last, prefixes };
    yield { name: 'search.js', text: `afReportSearchIndex(${jsonForScript(directory)});\n` };
  }
}
