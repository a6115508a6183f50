// What the filters and the per-condition table read of every row, without the texts, packed small
// (a 100k-transcript index is a few MB): strings as positions in per-column lists, booleans as
// 0 (false) / 1 (true) / 2 (null), -1 for a label object the row does not have. report/client.ts
// unpacks it (afReportIndex). Built row by row: in memory each transcript is WIDTH small integers
// in typed blocks (2 bytes each, 4 once a column has over 32,767 distinct values), never a row object.
// Blocks past a memory budget go to a scratch file (core/scratchFile.ts, opened at the first) as they
// are, each with its width, and are read back one at a time as the index is written.
import { ScratchFile } from '../core/scratchFile.js';
import { jsonForScript } from '../core/safeJson.js';
import type { ReportRow } from './rows.js';

const WIDTH = 10;
/** Rows per storage block: blocks are never copied as the index grows. */
const BLOCK_ROWS = 8_192;
/** Rows per piece of index.js as it is written (jsonPieces). */
const PIECE_ROWS = 1_024;
/**
 * Bytes of blocks kept in memory: 12 blocks of 2-byte codes (98,304 transcripts; 6 of 4 bytes). A
 * block more may be held while it is filled when the budget is under a block.
 */
export const INDEX_BUDGET_BYTES = 2 * 1024 * 1024;
const COLUMNS = ['model', 'variant', 'reasoning', 'tier', 'status', 'af'] as const;
type Column = (typeof COLUMNS)[number];

const tri = (value: boolean | null | undefined) => (value === true ? 1 : value === false ? 0 : 2);

export class PackedIndexBuilder {
  private readonly values = new Map<Column, unknown[]>(COLUMNS.map((column) => [column, []]));
  private readonly lookup = new Map<Column, Map<unknown, number>>(COLUMNS.map((column) => [column, new Map()]));
  /** The blocks in memory, after those in the scratch file. */
  private blocks: Array<Int16Array | Int32Array> = [];
  /** The blocks in the scratch file, in order (all full): whether each holds 4-byte codes. */
  private readonly spilledWide: boolean[] = [];
  private scratch: ScratchFile | undefined;
  private scratchBytes = 0;
  private wide = false;
  private count = 0;

  constructor(private readonly budgetBytes = INDEX_BUDGET_BYTES) {}

  /** Transcripts indexed so far. */
  get rows(): number {
    return this.count;
  }

  /** Bytes the packed rows take in memory (for tests of what the report writer holds): at most the budget, or one block. */
  get bytes(): number {
    return this.blocks.reduce((sum, block) => sum + block.byteLength, 0);
  }

  /** Bytes of blocks in the scratch file (0: none was opened). */
  get spilledBytes(): number {
    return this.scratchBytes;
  }

  add(row: ReportRow): void {
    this.push(
      this.code('model', row.model),
      this.code('variant', row.variant),
      this.code('reasoning', row.reasoning),
      this.code('tier', row.tier),
      this.code('status', row.status),
      tri(row.proxy),
      tri(row.heuristic),
      row.compliance ? tri(row.compliance.complied) : -1,
      row.af ? this.code('af', row.af.label) : -1,
      row.partial ? tri(row.partial.partial) : -1,
    );
  }

  /** The index as the JSON index.js holds: `{model,variant,reasoning,tier,status,af,width,rows}`. */
  json(): string {
    return [...this.jsonPieces()].join('');
  }

  /**
   * json() in pieces of PIECE_ROWS rows (about 20 KB of text each), written one at a time: a million
   * rows never make one string, and no piece is large enough to be allocated straight into V8's old
   * generation, where a block's 160-200 KB text each went and piled up until the next full collection
   * (the last 12 MB of a 1M report's peak). Spilled blocks are read back into one buffer of each width.
   */
  *jsonPieces(): Generator<string> {
    const head = jsonForScript({ ...Object.fromEntries(this.values), width: WIDTH });
    // Integers need no escaping: the rows are appended to the escaped head as they are.
    yield `${head.slice(0, -1)},"rows":[`;
    let first = true;
    const pieces = function* (codes: Int16Array | Int32Array): Generator<string> {
      for (let at = 0; at < codes.length; at += PIECE_ROWS * WIDTH) {
        yield `${first ? '' : ','}${codes.subarray(at, at + PIECE_ROWS * WIDTH).join(',')}`;
        first = false;
      }
    };
    let narrow: Int16Array | undefined;
    let wide: Int32Array | undefined;
    let position = 0;
    for (const isWide of this.spilledWide) {
      const block = isWide ? (wide ??= new Int32Array(BLOCK_ROWS * WIDTH)) : (narrow ??= new Int16Array(BLOCK_ROWS * WIDTH));
      this.scratch!.read(block, position);
      position += block.byteLength;
      yield* pieces(block);
    }
    const last = this.count % BLOCK_ROWS;
    for (const [k, block] of this.blocks.entries()) {
      const full = k < this.blocks.length - 1 || last === 0;
      yield* pieces(full ? block : block.subarray(0, last * WIDTH));
    }
    yield ']}';
  }

  /** Close the scratch file, if one was opened (the blocks in it are gone). Safe to call twice. */
  close(): void {
    this.scratch?.close();
  }

  private code(column: Column, value: unknown): number {
    const map = this.lookup.get(column)!;
    let at = map.get(value);
    if (at === undefined) {
      at = this.values.get(column)!.push(value) - 1;
      map.set(value, at);
    }
    return at;
  }

  private push(...codes: number[]): void {
    if (!this.wide && codes.some((c) => c > 0x7fff)) {
      // Widened, the blocks in memory take twice the bytes: the full ones go first if that passes the budget.
      if (2 * this.bytes > this.budgetBytes) this.spillFull();
      this.blocks = this.blocks.map((block) => Int32Array.from(block));
      this.wide = true;
    }
    const within = this.count % BLOCK_ROWS;
    if (within === 0) {
      const block = this.wide ? new Int32Array(BLOCK_ROWS * WIDTH) : new Int16Array(BLOCK_ROWS * WIDTH);
      if (this.bytes + block.byteLength > this.budgetBytes) this.spillFull();
      this.blocks.push(block);
    }
    this.blocks[this.blocks.length - 1].set(codes, within * WIDTH);
    this.count++;
  }

  /** Append every full block in memory to the scratch file, in order. */
  private spillFull(): void {
    const full = this.count % BLOCK_ROWS === 0 ? this.blocks.length : this.blocks.length - 1;
    if (full <= 0) return;
    this.scratch ??= new ScratchFile();
    for (const block of this.blocks.slice(0, full)) {
      this.scratch.write(block, this.scratchBytes);
      this.scratchBytes += block.byteLength;
      this.spilledWide.push(block instanceof Int32Array);
    }
    this.blocks = this.blocks.slice(full);
  }
}
