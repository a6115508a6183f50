// A scratch file: where a table that grows with the run (per-record offsets, keys, report rows) puts
// what it does not keep in memory, so a command's memory is the same at a million records as at ten
// thousand. The file is made in the system's temporary folder and unlinked at once where the system
// allows it (Linux, macOS): it has no name, the descriptor keeps it, and the system frees it when the
// process ends however it ends. Elsewhere it is removed on close() and, failing that, at exit. A
// table that is dropped without close() (a notebook's reader left to the garbage collector) has its
// file closed when it is collected.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const leftAtExit = new Set<string>();
let exitHookSet = false;

interface Handle {
  fd: number | undefined;
  /** The folder to remove on close, where the file could not be unlinked while open. */
  folder: string | undefined;
}

function release(handle: Handle): void {
  if (handle.fd === undefined) return;
  closeSync(handle.fd);
  handle.fd = undefined;
  if (handle.folder) {
    rmSync(handle.folder, { recursive: true, force: true });
    leftAtExit.delete(handle.folder);
    handle.folder = undefined;
  }
}

const collected = new FinalizationRegistry<Handle>(release);

export class ScratchFile {
  /** Scratch files opened in this process (for tests: a table that outgrew its budget opens one). */
  static opened = 0;
  readonly #handle: Handle;

  constructor() {
    ScratchFile.opened++;
    const folder = mkdtempSync(join(tmpdir(), 'af-lab-scratch-'));
    const path = join(folder, 'data');
    this.#handle = { fd: openSync(path, 'w+'), folder: undefined };
    collected.register(this, this.#handle, this.#handle);
    try {
      unlinkSync(path);
      rmSync(folder, { recursive: true, force: true });
    } catch {
      this.#handle.folder = folder;
      leftAtExit.add(folder);
      if (!exitHookSet) {
        exitHookSet = true;
        process.once('exit', () => {
          for (const left of leftAtExit) rmSync(left, { recursive: true, force: true });
        });
      }
    }
  }

  /** Write `bytes` at byte `position`. */
  write(bytes: ArrayBufferView, position: number): void {
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let done = 0;
    while (done < view.byteLength) done += writeSync(this.fd, view, done, view.byteLength - done, position + done);
  }

  /** Fill `into` from byte `position`; bytes past the end of what was written read as zero. Returns the bytes that were in the file. */
  read(into: ArrayBufferView, position: number): number {
    const view = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    let done = 0;
    while (done < view.byteLength) {
      const got = readSync(this.fd, view, done, view.byteLength - done, position + done);
      if (got === 0) break;
      done += got;
    }
    view.fill(0, done);
    return done;
  }

  /** Close (and, where it could not be unlinked at once, remove) the file. Safe to call twice. */
  close(): void {
    collected.unregister(this.#handle);
    release(this.#handle);
  }

  private get fd(): number {
    if (this.#handle.fd === undefined) throw new Error('ScratchFile: used after close()');
    return this.#handle.fd;
  }
}
