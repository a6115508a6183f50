// Outputs rewritten only when what produced them changed: the sha256 of their inputs is stored in a
// small file beside them (figures/<name>/.inputs.sha256, <runDir>/.report.html.inputs.sha256), and a
// write whose inputs hash the same, with every output still in place, is skipped. The marker is
// removed before outputs are rewritten and stored after the last one, so a write cut short by a
// kill is redone on the next run.
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './files.js';
import { sha256 } from './hash.js';
import { afLabVersion } from './version.js';
import { codeHash } from './codeHash.js';

/**
 * The hash of everything an output is made from, plus af-lab's version and the hash of the code that
 * labels, summarises and draws (core/codeHash.ts): changed code may draw the same records differently.
 */
export function inputsHash(...inputs: unknown[]): string {
  return sha256(JSON.stringify([afLabVersion(), codeHash(), ...inputs]));
}

/**
 * The sha256 of a list of records fed one at a time, equal to `sha256(JSON.stringify(records))` of
 * the whole list: a streaming run hashes its records without ever holding them as one array or string.
 */
export class RecordsDigest {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private result: string | undefined;

  add(record: unknown): void {
    if (this.result !== undefined) throw new Error('RecordsDigest: add() after digest()');
    this.hash.update(this.count++ === 0 ? '[' : ',');
    // In an array, JSON.stringify writes null for what it cannot serialise (undefined, functions, symbols).
    this.hash.update(JSON.stringify(record) ?? 'null');
  }

  /** The hex digest. It is final: asked again it is the same, and no record can be added after it. */
  digest(): string {
    if (this.result === undefined) {
      this.hash.update(this.count === 0 ? '[]' : ']');
      this.result = this.hash.digest('hex');
    }
    return this.result;
  }
}

const digests = new WeakMap<object, string>();

/**
 * The sha256 of a list of records (or any JSON value), computed once per array object: the figures
 * and the report of one run hash the same records without serialising them twice.
 */
export function recordsDigest(records: readonly unknown[]): string {
  let digest = digests.get(records);
  if (digest === undefined) {
    const streamed = new RecordsDigest();
    for (const record of records) streamed.add(record);
    digest = streamed.digest();
    digests.set(records, digest);
  }
  return digest;
}

/** Where the inputs hash of a folder of outputs is kept. */
export const folderInputsMarker = (dir: string): string => join(dir, '.inputs.sha256');

/** Where the inputs hash of a single output file is kept. */
export const fileInputsMarker = (file: string): string => join(dirname(file), `.${basename(file)}.inputs.sha256`);

/** The hash stored in a marker, or undefined. */
export function storedInputsHash(marker: string): string | undefined {
  try {
    return readFileSync(marker, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True when the marker holds `hash` and every output exists: nothing needs writing. */
export function isUpToDate(marker: string, hash: string, outputs: readonly string[]): boolean {
  return storedInputsHash(marker) === hash && outputs.every((file) => existsSync(file));
}

/** Before rewriting outputs: forget the old hash, so a half-done rewrite is never taken as current. */
export function forgetInputs(marker: string): void {
  rmSync(marker, { force: true });
}

/** After the last output is written: store the hash of the inputs they were made from. */
export function recordInputs(marker: string, hash: string): void {
  writeFileAtomic(marker, `${hash}\n`, { durable: false });
}
