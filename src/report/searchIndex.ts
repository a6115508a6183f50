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
// last word and those beginnings. Built row by row; memory is the lists, packed: a byte or two per
// transcript and distinct word, at most a bit per transcript for each word.
import { jsonForScript } from '../core/safeJson.js';
import type { ReportRow } from './rows.js';

/** A word, as a regular expression source (flags gu): runs of Unicode letters and digits. */
export const WORD_SOURCE = '[\\p{L}\\p{N}]+';
const WORD = new RegExp(WORD_SOURCE, 'gu');

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
 * One word's transcripts, ascending: delta varints (LEB128) grown in place, or once those would
 * take more than a bitset over the rows so far, that bitset (so a word in most transcripts costs a
 * bit per transcript, not a byte).
 */
class Postings {
  bytes: Uint8Array = new Uint8Array(4);
  length = 0;
  bits: Uint8Array | undefined;
  last = -1;

  add(row: number): void {
    if (this.bits) {
      if (row >> 3 >= this.bits.length) this.bits = grow(this.bits, (row >> 3) + 1);
      this.bits[row >> 3] |= 1 << (row & 7);
      this.last = row;
      return;
    }
    let delta = row - this.last;
    this.last = row;
    if (this.length + 5 > this.bytes.length) this.bytes = grow(this.bytes, this.length + 5);
    while (delta >= 0x80) {
      this.bytes[this.length++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    this.bytes[this.length++] = delta;
    if (this.length > 64 && this.length * 8 > row + 1) {
      const bits = new Uint8Array(this.bytes.length);
      for (const at of decodeVarints(this.bytes.subarray(0, this.length))) bits[at >> 3] |= 1 << (at & 7);
      this.bits = bits;
      this.bytes = new Uint8Array(0);
      this.length = 0;
    }
  }

  /** The rows, ascending. */
  *rows(): Generator<number> {
    if (!this.bits) {
      yield* decodeVarints(this.bytes.subarray(0, this.length));
      return;
    }
    for (let at = 0; at < this.bits.length; at++) {
      const byte = this.bits[at];
      if (byte) for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) yield at * 8 + bit;
    }
  }

  get byteLength(): number {
    return this.bits ? this.bits.byteLength : this.bytes.byteLength;
  }
}

/** A copy of `bytes` with room for at least `needed` (doubling). */
function grow(bytes: Uint8Array, needed: number): Uint8Array {
  const grown = new Uint8Array(Math.max(needed, bytes.length * 2));
  grown.set(bytes);
  return grown;
}

/**
 * A list as the index stores it: `v` + base64 of the delta varints, or `b` + base64 of a bitset
 * over all rows, whichever is shorter. `rows` yields the positions ascending (called twice at most).
 */
function encodeRows(rows: () => Iterable<number>, count: number): string {
  const varints: number[] = [];
  let last = -1;
  for (const row of rows()) {
    let delta = row - last;
    last = row;
    while (delta >= 0x80) {
      varints.push((delta & 0x7f) | 0x80);
      delta >>>= 7;
    }
    varints.push(delta);
  }
  const bitsetBytes = Math.ceil(count / 8);
  if (varints.length <= bitsetBytes) return `v${Buffer.from(varints).toString('base64')}`;
  const bits = new Uint8Array(bitsetBytes);
  for (const row of rows()) bits[row >> 3] |= 1 << (row & 7);
  return `b${Buffer.from(bits.buffer).toString('base64')}`;
}

/** The length encodeRows gives a word's list, without making it (the shards are cut by it before they are written). */
function encodedLength(postings: Postings, count: number): number {
  let varints = postings.bits ? 0 : postings.length;
  if (postings.bits) {
    let last = -1;
    for (const row of postings.rows()) {
      for (let delta = row - last; delta >= 0x80; delta >>>= 7) varints++;
      varints++;
      last = row;
    }
  }
  return 1 + 4 * Math.ceil(Math.min(varints, Math.ceil(count / 8)) / 3);
}

/** The rows set in a bitset, ascending. */
function* bitsetRows(bits: Uint8Array): Generator<number> {
  for (let at = 0; at < bits.length; at++) {
    const byte = bits[at];
    if (byte) for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) yield at * 8 + bit;
  }
}

/** Characters of the longest query word that still finds its transcripts in one index file (see files()). */
export const PREFIX_FILE_MAX = 32;

function* decodeVarints(bytes: Uint8Array): Generator<number> {
  let row = -1;
  let delta = 0;
  let shift = 0;
  for (const byte of bytes) {
    delta |= (byte & 0x7f) << shift;
    if (byte & 0x80) {
      shift += 7;
      continue;
    }
    row += delta;
    yield row;
    delta = 0;
    shift = 0;
  }
}

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
  private readonly postings = new Map<string, Postings>();
  private count = 0;

  constructor(private readonly shardBytes = SHARD_BYTES) {}

  get rows(): number {
    return this.count;
  }

  /** Distinct words so far. */
  get words(): number {
    return this.postings.size;
  }

  /** Bytes the lists take in memory (their buffers). */
  get bytes(): number {
    let sum = 0;
    for (const postings of this.postings.values()) sum += postings.byteLength;
    return sum;
  }

  add(row: ReportRow): void {
    const at = this.count++;
    for (const text of searchedTexts(row)) {
      for (const word of searchWords(text)) {
        let postings = this.postings.get(word);
        if (!postings) this.postings.set(word, (postings = new Postings()));
        if (postings.last !== at) postings.add(at);
      }
    }
  }

  /**
   * The index's files: the shards and prefix files, then `search.js`; each list is dropped as its
   * shard is made, so the builder is empty afterwards.
   *
   * A query word needs the rows of every word it begins. When those words lie in one shard, that
   * shard is all it reads; when they cross from one shard into the next, the word is a *prefix*: the
   * common beginning (up to PREFIX_FILE_MAX characters) of the last word of a shard and the first of
   * the next, or a shorter beginning of it. Each prefix gets a file of its own (`search-p<k>.js`,
   * k its place in `prefixes`) with the union of its words' rows, so any query word reads one file.
   * Two passes over the sorted words: the first cuts the shards (by the lists' encoded lengths) and
   * finds the prefixes, the second writes; the second keeps a bitset of rows for each prefix of the
   * current word that is one (a few at a time).
   */
  *files(): Generator<SearchFile> {
    const words = [...this.postings.keys()].sort();
    const starts: number[] = [];
    let size = this.shardBytes;
    words.forEach((word, at) => {
      if (size >= this.shardBytes) {
        starts.push(at);
        size = 0;
      }
      size += word.length + encodedLength(this.postings.get(word)!, this.count) + 6;
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
      const postings = this.postings.get(word)!;
      if (open.length > 0) {
        const bits = open[open.length - 1].bits;
        for (const row of postings.rows()) bits[row >> 3] |= 1 << (row & 7);
      }
      this.postings.delete(word);
      shard.words.push(word);
      shard.lists.push(encodeRows(() => postings.rows(), this.count));
    }
    while (open.length > 0) yield close();
    if (shard.words.length > 0) yield flush();
    const directory: SearchDirectory = { rows: this.count, first, last, prefixes };
    yield { name: 'search.js', text: `afReportSearchIndex(${jsonForScript(directory)});\n` };
  }
}
