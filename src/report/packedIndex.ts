// What the filters and the per-condition table read of every row, without the texts, packed small
// (a 100k-transcript index is a few MB): strings as positions in per-column lists, booleans as
// 0 (false) / 1 (true) / 2 (null), -1 for a label object the row does not have. report/client.ts
// unpacks it (afReportIndex). Built row by row: in memory each transcript is WIDTH small integers
// in typed blocks (2 bytes each, 4 once a column has over 32,767 distinct values), never a row object.
import { jsonForScript } from '../core/safeJson.js';
import type { ReportRow } from './rows.js';

const WIDTH = 10;
/** Rows per storage block: blocks are never copied as the index grows. */
const BLOCK_ROWS = 8_192;
const COLUMNS = ['model', 'variant', 'reasoning', 'tier', 'status', 'af'] as const;
type Column = (typeof COLUMNS)[number];

const tri = (value: boolean | null | undefined) => (value === true ? 1 : value === false ? 0 : 2);

export class PackedIndexBuilder {
  private readonly values = new Map<Column, unknown[]>(COLUMNS.map((column) => [column, []]));
  private readonly lookup = new Map<Column, Map<unknown, number>>(COLUMNS.map((column) => [column, new Map()]));
  private blocks: Array<Int16Array | Int32Array> = [];
  private wide = false;
  private count = 0;

  /** Transcripts indexed so far. */
  get rows(): number {
    return this.count;
  }

  /** Bytes the packed rows take in memory (for tests of what the report writer holds). */
  get bytes(): number {
    return this.blocks.reduce((sum, block) => sum + block.byteLength, 0);
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

  /** json() in pieces, a block of rows each (about 100 KB): written one at a time, a million rows never make one string. */
  *jsonPieces(): Generator<string> {
    const head = jsonForScript({ ...Object.fromEntries(this.values), width: WIDTH });
    // Integers need no escaping: the rows are appended to the escaped head as they are.
    yield `${head.slice(0, -1)},"rows":[`;
    const last = this.count % BLOCK_ROWS;
    for (const [n, block] of this.blocks.entries()) {
      const full = n < this.blocks.length - 1 || last === 0;
      yield `${n > 0 ? ',' : ''}${(full ? block : block.subarray(0, last * WIDTH)).join(',')}`;
    }
    yield ']}';
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
      this.blocks = this.blocks.map((block) => Int32Array.from(block));
      this.wide = true;
    }
    const within = this.count % BLOCK_ROWS;
    if (within === 0) this.blocks.push(this.wide ? new Int32Array(BLOCK_ROWS * WIDTH) : new Int16Array(BLOCK_ROWS * WIDTH));
    this.blocks[this.blocks.length - 1].set(codes, within * WIDTH);
    this.count++;
  }
}
