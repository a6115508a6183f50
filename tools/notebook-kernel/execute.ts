// Execute a notebook top to bottom in a fresh kernel, collecting outputs the way Jupyter stores them,
// and stop at the first cell that fails (as `jupyter nbconvert --execute` does).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelClient } from './client.js';
import type { JupyterMessage } from './wire.js';
import { joinLines, readNotebook, writeNotebook, type CodeCell, type MimeBundle, type Notebook, type NotebookOutput } from './nbformat.js';

export interface CellReport {
  /** Position of the cell in the notebook (markdown cells included). */
  index: number;
  /** How many code cells the notebook has, and which of them this is (1-based). */
  codeCell: number;
  codeCells: number;
  ms: number;
  status: 'ok' | 'error' | 'abort';
}

export interface ExecuteOptions {
  /** Kernel command line; defaults to the project's own tslab (node_modules/.bin/tslab). */
  kernelArgv?: string[];
  /** The kernel's working directory; defaults to the notebook's folder. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  cellTimeoutMs?: number;
  startupTimeoutMs?: number;
  onCell?: (report: CellReport) => void;
}

/** A cell failed: which one, its code and what the kernel said. Carries the notebook as far as it ran. */
export class NotebookCellError extends Error {
  constructor(
    readonly cellIndex: number,
    readonly source: string,
    readonly errorText: string,
    readonly notebook: Notebook,
  ) {
    super(`cell ${cellIndex} failed:\n${source.trim()}\n---\n${errorText.trim()}`);
    this.name = 'NotebookCellError';
  }
}

/** The tslab kernel command installed with af-lab (node_modules/.bin/tslab above this file), else `tslab` on PATH. */
export function defaultKernelArgv(from = dirname(fileURLToPath(import.meta.url))): string[] {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', process.platform === 'win32' ? 'tslab.cmd' : 'tslab');
    if (existsSync(bin)) return [bin, 'kernel', '--config-path', '{connection_file}'];
    if (dirname(dir) === dir) return ['tslab', 'kernel', '--config-path', '{connection_file}'];
  }
}

/**
 * Turns iopub messages into nbformat outputs. Display ids live across cells, as in Jupyter: an
 * update_display_data rewrites every output that was shown under that id (tslab.newDisplay()).
 */
class OutputCollector {
  private readonly displays = new Map<string, Array<{ data: MimeBundle; metadata: Record<string, unknown> }>>();

  collect(cell: CodeCell, message: JupyterMessage): void {
    const content = message.content as Record<string, any>;
    const outputs = cell.outputs;
    switch (message.header.msg_type) {
      case 'stream': {
        const last = outputs[outputs.length - 1];
        if (last?.output_type === 'stream' && last.name === content.name) last.text = joinLines(last.text) + content.text;
        else outputs.push({ output_type: 'stream', name: content.name, text: content.text });
        break;
      }
      case 'display_data':
      case 'execute_result': {
        const output: NotebookOutput =
          message.header.msg_type === 'display_data'
            ? { output_type: 'display_data', data: content.data ?? {}, metadata: content.metadata ?? {} }
            : { output_type: 'execute_result', data: content.data ?? {}, metadata: content.metadata ?? {}, execution_count: content.execution_count ?? null };
        outputs.push(output);
        const id = content.transient?.display_id;
        if (typeof id === 'string') this.displays.set(id, [...(this.displays.get(id) ?? []), output]);
        break;
      }
      case 'update_display_data': {
        for (const output of this.displays.get(content.transient?.display_id) ?? []) {
          output.data = content.data ?? {};
          output.metadata = content.metadata ?? {};
        }
        break;
      }
      case 'error':
        outputs.push({ output_type: 'error', ename: content.ename, evalue: content.evalue, traceback: content.traceback ?? [] });
        break;
      case 'clear_output':
        outputs.length = 0;
        break;
      default:
        break; // execute_input, comm messages: nothing to store
    }
  }
}

function errorText(cell: CodeCell): string {
  return cell.outputs
    .map((output) => {
      if (output.output_type === 'error') return `${output.ename}: ${output.evalue}`;
      if (output.output_type === 'stream' && output.name === 'stderr') return joinLines(output.text);
      return '';
    })
    .filter(Boolean)
    .join('\n');
}

/** Execute every code cell of `notebook` in order in a fresh kernel; returns the executed copy. */
export async function executeNotebook(notebook: Notebook, options: ExecuteOptions & { cwd: string }): Promise<Notebook> {
  const executed: Notebook = structuredClone(notebook);
  const codeCells = executed.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
  for (const cell of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const kernel = await KernelClient.start({
    argv: options.kernelArgv ?? defaultKernelArgv(),
    cwd: options.cwd,
    env: options.env,
    startupTimeoutMs: options.startupTimeoutMs,
  });
  try {
    const info = await kernel.kernelInfo();
    if (info.language_info) executed.metadata.language_info = info.language_info;
    const collector = new OutputCollector();
    let codeIndex = 0;
    for (const [index, cell] of executed.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      codeIndex += 1;
      const source = joinLines(cell.source);
      const started = Date.now();
      const outcome = source.trim() === ''
        ? { status: 'ok' as const, executionCount: null }
        : await kernel.execute(source, (message) => collector.collect(cell, message), options.cellTimeoutMs);
      cell.execution_count = outcome.executionCount;
      options.onCell?.({ index, codeCell: codeIndex, codeCells: codeCells.length, ms: Date.now() - started, status: outcome.status });
      if (outcome.status !== 'ok') throw new NotebookCellError(index, source, errorText(cell) || `status ${outcome.status}`, executed);
    }
    return executed;
  } finally {
    await kernel.shutdown();
  }
}

/**
 * Execute a notebook file in its own folder. With `write`, the outputs are saved in place (or to
 * `outputPath`) only when every cell succeeded, so a failing run never overwrites good outputs.
 */
export async function executeNotebookFile(path: string, options: ExecuteOptions & { write?: boolean; outputPath?: string } = {}): Promise<Notebook> {
  const notebook = readNotebook(path);
  const executed = await executeNotebook(notebook, { ...options, cwd: options.cwd ?? dirname(resolve(path)) });
  if (options.write || options.outputPath) writeNotebook(options.outputPath ?? path, executed);
  return executed;
}
