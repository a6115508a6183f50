// A real classic Jupyter Notebook server (Debian's jupyter-notebook 6.4) on loopback, serving a
// folder, with its own kernelspec for tslab (no `tslab install` needed): what a researcher opens.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Why the notebook server cannot run here, or null when it can. */
export function notebookServerMissing(jupyter = 'jupyter'): string | null {
  const probe = spawnSync(jupyter, ['notebook', '--version'], { encoding: 'utf8' });
  if (probe.status === 0 && /^6\./.test(probe.stdout.trim())) return null;
  return 'no classic Jupyter Notebook 6 server (Debian: apt-get install jupyter-notebook)';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export interface NotebookServer {
  /** http://127.0.0.1:port */
  base: string;
  token: string;
  /** The page of a notebook, relative to the served folder. */
  notebookUrl(path: string): string;
  /** The server's own log, kept for failure messages (its last 20,000 characters). */
  log(): string;
  stop(): Promise<void>;
}

export interface NotebookServerOptions {
  /** The folder the server serves (its root in the file browser). */
  root: string;
  /** Put first on PATH: where the `tslab` command lives. */
  binDir: string;
  /** Scratch folder for the kernelspec and Jupyter's runtime files. */
  scratch: string;
  env?: NodeJS.ProcessEnv;
  startupTimeoutMs: number;
}

export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const jupyterPath = join(options.scratch, 'jupyter');
  const specDir = join(jupyterPath, 'kernels', 'tslab');
  mkdirSync(specDir, { recursive: true });
  const argv = ['tslab', 'kernel', '--config-path', '{connection_file}'];
  writeFileSync(join(specDir, 'kernel.json'), JSON.stringify({ argv, display_name: 'TypeScript', language: 'typescript' }));

  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const env = {
    ...process.env,
    ...options.env,
    PATH: `${options.binDir}${delimiter}${process.env.PATH ?? ''}`,
    JUPYTER_PATH: jupyterPath,
    JUPYTER_RUNTIME_DIR: join(options.scratch, 'runtime'),
    JUPYTER_CONFIG_DIR: join(options.scratch, 'config'),
    JUPYTER_DATA_DIR: join(options.scratch, 'data'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const args = ['notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, '--allow-root', `--notebook-dir=${options.root}`,
    // the test's copies of the notebooks live in a hidden folder, out of everyone's way
    '--ContentsManager.allow_hidden=True'];
  const server: ChildProcess = spawn('jupyter', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => server.once('exit', () => done()));

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + options.startupTimeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the notebook server exited:\n${log}`);
    try {
      const status = await fetch(`${base}/api/status?token=${token}`);
      if (status.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`the notebook server did not answer within ${options.startupTimeoutMs} ms:\n${log}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }

  return {
    base,
    token,
    notebookUrl: (path) => `${base}/notebooks/${path.split('/').map(encodeURIComponent).join('/')}?token=${token}`,
    log: () => log,
    async stop() {
      if (server.exitCode !== null) return;
      server.kill('SIGTERM'); // the server shuts its kernels down on SIGTERM
      const killer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
