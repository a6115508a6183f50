// Writes a tiny llama-architecture model in the GGUF format, with random weights, a small
// SentencePiece-style vocabulary (byte fallback, so any text tokenizes) and a ChatML chat template
// in its metadata. Nothing is downloaded: the file is made from scratch in a few milliseconds, so
// that tests run the real node-llama-cpp engine (loading, chat template, prefill, stop, token counts).
// The text it writes is gibberish by design.
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../../src/core/random.js';

const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

enum TokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  BYTE = 6,
}

const GGML_TYPE_F32 = 0;

type MetaValue =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string }
  | { type: 'str[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] };

/** Growable little-endian byte writer. */
class Writer {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(extra: number) {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number) {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number) {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  u64(v: number) {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  f32(v: number) {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  u8(v: number) {
    this.ensure(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
  }
  str(s: string) {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.bytes(bytes);
  }
  bytes(b: Buffer) {
    this.ensure(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
  }
  pad(alignment: number) {
    const rem = this.length % alignment;
    if (rem) this.bytes(Buffer.alloc(alignment - rem));
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(w: Writer, v: MetaValue) {
  switch (v.type) {
    case 'u32':
      w.u32(ValueType.UINT32);
      w.u32(v.value);
      return;
    case 'f32':
      w.u32(ValueType.FLOAT32);
      w.f32(v.value);
      return;
    case 'bool':
      w.u32(ValueType.BOOL);
      w.u8(v.value ? 1 : 0);
      return;
    case 'str':
      w.u32(ValueType.STRING);
      w.str(v.value);
      return;
    case 'str[]':
      return writeArray(w, ValueType.STRING, v.value, (s) => w.str(s));
    case 'f32[]':
      return writeArray(w, ValueType.FLOAT32, v.value, (x) => w.f32(x));
    case 'i32[]':
      return writeArray(w, ValueType.INT32, v.value, (x) => w.i32(x));
  }
}

/** A metadata array: its element type, its length, then each element. */
function writeArray<T>(w: Writer, elementType: ValueType, values: readonly T[], writeElement: (value: T) => void) {
  w.u32(ValueType.ARRAY);
  w.u32(elementType);
  w.u64(values.length);
  for (const value of values) writeElement(value);
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The ChatML template, as Jinja in the file's metadata (node-llama-cpp reads and matches it). */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface TinyModelOptions {
  seed?: number;
  /**
   * `babble`: the end-of-turn token is suppressed, so generation always runs to maxTokens (finish `length`);
   * `stop`: the end-of-turn token dominates, so the model stops at once (finish `stop`).
   */
  behaviour?: 'babble' | 'stop';
  /**
   * Instead: a model that always writes these vocabulary pieces in order and then stops (`▁` for a
   * space; each piece distinct). The blocks add nothing, so the next token depends on the current one
   * alone: a bigram chain from the end of the chat prompt through the pieces to end-of-turn.
   */
  script?: string[];
  /** Extra words to put in the vocabulary as whole pieces (fewer tokens for prompts that use them). */
  words?: string[];
  embeddingLength?: number;
  blocks?: number;
  contextLength?: number;
}

export interface TinyModelInfo {
  path: string;
  vocabSize: number;
  bytes: number;
  eosTokenId: number;
}

/** Write a tiny random-weight llama model with a ChatML template to `path`. */
export function writeTinyGguf(path: string, options: TinyModelOptions = {}): TinyModelInfo {
  // Seeded, so a seed gives the same model every time.
  const random = seededRandom('gguf', options.seed ?? 7);
  const nEmbd = options.embeddingLength ?? 64;
  const nHead = 4;
  const nLayer = options.blocks ?? 2;
  const nFf = nEmbd * 2;
  const nCtx = options.contextLength ?? 8192;

  // Vocabulary: SentencePiece conventions (▁ for a space), specials, all 256 byte tokens, printable characters, words.
  const tokens: string[] = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'];
  const types: number[] = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.BYTE);
  }
  const seen = new Set(tokens);
  const addPiece = (piece: string) => {
    if (seen.has(piece) || piece === '') return;
    seen.add(piece);
    tokens.push(piece);
    types.push(TokenType.NORMAL);
  };
  addPiece('▁');
  for (let c = 33; c < 127; c++) {
    addPiece(String.fromCharCode(c));
    addPiece(`▁${String.fromCharCode(c)}`);
  }
  // Every prefix of a word is a piece too: SentencePiece merges pairs only into pieces that exist.
  for (const word of options.words ?? []) {
    const piece = `▁${word}`;
    for (let i = 2; i <= piece.length; i++) addPiece(piece.slice(0, i));
  }
  for (const piece of options.script ?? []) addPiece(piece);
  const scores = tokens.map((t, i) => (types[i] === TokenType.NORMAL ? t.length : 0));
  const vocabSize = tokens.length;
  const eosTokenId = 4;

  const metadata: Array<[string, MetaValue]> = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.name', { type: 'str', value: 'af-lab tiny random llama' }],
    ['general.alignment', { type: 'u32', value: ALIGNMENT }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['llama.context_length', { type: 'u32', value: nCtx }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: nLayer }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHead }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'u32', value: nEmbd / nHead }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.vocab_size', { type: 'u32', value: vocabSize }],
    ['tokenizer.ggml.model', { type: 'str', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'str[]', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: eosTokenId }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'str', value: CHATML_TEMPLATE }],
  ];

  // Dimension 0 of every embedding is a constant 1 and the blocks' outputs are small, so after the
  // final norm dimension 0 is large and positive: the output row of a token decides, through its
  // weight on dimension 0, whether that token is always or never chosen.
  const script = options.script ?? [];
  // Script: the token after which each piece comes (the generation prompt ends in a newline byte or, for
  // some chat wrappers, a space), each given its own embedding dimension, which the next piece's output row reads.
  const chain = script.map((piece) => tokens.indexOf(piece));
  const after = new Map<number, number>(); // token -> embedding dimension that marks it
  const starts = [tokens.indexOf('<0x0A>'), tokens.indexOf('▁'), 3];
  if (script.length) {
    if (new Set(chain).size !== chain.length || script.length + 2 > nEmbd) throw new Error('script pieces must be distinct and fewer than the embedding length');
    starts.forEach((t) => after.set(t, 1));
    chain.forEach((t, i) => after.set(t, i + 2));
  }
  const nextOf = new Map<number, number>(); // output token -> the dimension that selects it
  if (script.length) {
    chain.forEach((t, i) => nextOf.set(t, i + 1));
    nextOf.set(eosTokenId, chain.length + 1);
  }
  const normal = (std: number) => () => (script.length ? 0 : gaussian(random) * std);
  const tensors: Array<{ name: string; dims: number[]; fill: (row: number, col: number) => number }> = [];
  const embed = normal(0.02);
  tensors.push({ name: 'token_embd.weight', dims: [nEmbd, vocabSize], fill: (token, dim) => (dim === 0 ? 1 : script.length ? (after.get(token) === dim ? 1 : 0) : embed()) });
  for (let i = 0; i < nLayer; i++) {
    const small = normal(0.01);
    const mid = normal(0.1);
    tensors.push({ name: `blk.${i}.attn_norm.weight`, dims: [nEmbd], fill: () => 1 });
    tensors.push({ name: `blk.${i}.attn_q.weight`, dims: [nEmbd, nEmbd], fill: mid });
    tensors.push({ name: `blk.${i}.attn_k.weight`, dims: [nEmbd, nEmbd], fill: mid });
    tensors.push({ name: `blk.${i}.attn_v.weight`, dims: [nEmbd, nEmbd], fill: mid });
    tensors.push({ name: `blk.${i}.attn_output.weight`, dims: [nEmbd, nEmbd], fill: small });
    tensors.push({ name: `blk.${i}.ffn_norm.weight`, dims: [nEmbd], fill: () => 1 });
    tensors.push({ name: `blk.${i}.ffn_gate.weight`, dims: [nEmbd, nFf], fill: mid });
    tensors.push({ name: `blk.${i}.ffn_up.weight`, dims: [nEmbd, nFf], fill: mid });
    tensors.push({ name: `blk.${i}.ffn_down.weight`, dims: [nFf, nEmbd], fill: small });
  }
  tensors.push({ name: 'output_norm.weight', dims: [nEmbd], fill: () => 1 });
  const out = normal(0.05);
  const stop = options.behaviour === 'stop';
  tensors.push({
    name: 'output.weight',
    dims: [nEmbd, vocabSize],
    fill: (token, dim) => {
      const value = out();
      if (script.length) return dim === 0 ? (nextOf.has(token) ? 0 : -4) : nextOf.get(token) === dim ? 8 : 0;
      if (dim !== 0) return value;
      if (token === eosTokenId) return stop ? 4 : -4;
      // Never emit the other control tokens, the unknown token or raw bytes: keeps the gibberish printable.
      if (types[token] !== TokenType.NORMAL) return -4;
      return value;
    },
  });

  // Tensor data, each tensor aligned; ggml's dims[0] is the fastest-moving index.
  const offsets: number[] = [];
  const data = new Writer();
  for (const tensor of tensors) {
    data.pad(ALIGNMENT);
    offsets.push(data.length);
    const cols = tensor.dims[0];
    const rows = tensor.dims[1] ?? 1;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data.f32(tensor.fill(r, c));
  }

  const w = new Writer();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.str(key);
    writeValue(w, value);
  }
  tensors.forEach((tensor, i) => {
    w.str(tensor.name);
    w.u32(tensor.dims.length);
    for (const d of tensor.dims) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offsets[i]);
  });
  w.pad(ALIGNMENT);
  w.bytes(data.result());
  const file = w.result();
  writeFileSync(path, file);
  return { path, vocabSize, bytes: file.length, eosTokenId };
}
