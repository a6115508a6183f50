import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scaled } from './time.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// The compiled CLI (npm test builds it first): spawning tsx for every call cost about a second each.
// Run `npm run build` before running a CLI test file on its own.
const CLI = ['dist/cli.js'];

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the af-lab CLI as a user would (the built dist/cli.js), and wait for it. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: scaled(120_000) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Start the CLI in the background (for kill tests). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

/**
 * Run the CLI without blocking this process (which may be serving a loopback API the CLI calls), and
 * resolve with its exit status and output once it closes.
 */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = startCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
