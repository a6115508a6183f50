// A small Jupyter client: starts a kernel process (tslab) with a connection file, talks to it over
// ZeroMQ (the zeromq package tslab itself uses) and runs code. Just enough of the protocol to execute
// notebooks headless, with no Python: shell (execute/kernel_info), iopub (outputs, status), control (shutdown).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dealer, Subscriber } from 'zeromq';
import { decodeMessage, encodeMessage, newMessage, type JupyterMessage } from './wire.js';

export interface KernelStartOptions {
  /** Kernel command line as in a kernelspec; `{connection_file}` is replaced by the file's path. */
  argv: string[];
  /** The kernel's working directory (Jupyter uses the notebook's folder). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  startupTimeoutMs?: number;
}

export interface ExecuteOutcome {
  status: 'ok' | 'error' | 'abort';
  executionCount: number | null;
}

interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name: string;
}

/** Ports the OS says are free right now (the kernel binds them a moment later). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or `fallback` after `ms`; the timer is cleared either way so it never holds the process open. */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class KernelClient {
  // linger 0: closing a socket drops anything unsent, so nothing holds the process open after shutdown.
  private readonly shell = new Dealer({ linger: 0 });
  private readonly control = new Dealer({ linger: 0 });
  private readonly iopub = new Subscriber({ linger: 0 });
  private readonly session = randomUUID();
  /** Replies on shell/control, by the request's msg_id. */
  private readonly replies = new Map<string, (message: JupyterMessage) => void>();
  /** iopub listeners, by the msg_id of the request that caused the message. */
  private readonly listeners = new Map<string, (message: JupyterMessage) => void>();
  private kernelLog = '';
  private exited: { code: number | null; signal: string | null } | null = null;
  private closed = false;

  private constructor(
    private readonly process: ChildProcess,
    private readonly connection: ConnectionInfo,
    private readonly connectionFile: string,
  ) {}

  static async start(options: KernelStartOptions): Promise<KernelClient> {
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const connection: ConnectionInfo = {
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key: randomBytes(32).toString('hex'),
      signature_scheme: 'hmac-sha256',
      kernel_name: 'tslab',
    };
    const connectionFile = join(tmpdir(), `af-lab-kernel-${randomUUID()}.json`);
    writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 });
    const [command, ...args] = options.argv.map((arg) => arg.replace('{connection_file}', connectionFile));
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const client = new KernelClient(child, connection, connectionFile);
    client.listen();
    try {
      await client.waitForReady(options.startupTimeoutMs ?? 60_000);
    } catch (err) {
      await client.shutdown();
      throw err;
    }
    return client;
  }

  private listen(): void {
    const keep = (chunk: Buffer) => {
      this.kernelLog = (this.kernelLog + chunk.toString()).slice(-4000);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.process.once('error', (err) => {
      this.kernelLog += `\n${err.message}`;
      this.exited = { code: null, signal: null };
    });
    this.process.once('exit', (code, signal) => {
      this.exited = { code, signal };
    });

    const { ip, shell_port, control_port, iopub_port } = this.connection;
    this.shell.connect(`tcp://${ip}:${shell_port}`);
    this.control.connect(`tcp://${ip}:${control_port}`);
    this.iopub.connect(`tcp://${ip}:${iopub_port}`);
    this.iopub.subscribe();
    void this.pump(this.shell, (message) => this.replies.get(message.parent_header.msg_id ?? '')?.(message));
    void this.pump(this.control, (message) => this.replies.get(message.parent_header.msg_id ?? '')?.(message));
    void this.pump(this.iopub, (message) => this.listeners.get(message.parent_header.msg_id ?? '')?.(message));
  }

  private async pump(socket: Dealer | Subscriber, dispatch: (message: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) dispatch(decodeMessage(frames, this.connection.key));
    } catch (err) {
      // Closing the socket ends the loop; anything else is reported with the kernel's own output.
      if (!this.closed) this.kernelLog += `\nzeromq: ${(err as Error).message}`;
    }
  }

  private describeExit(): string {
    const how = this.exited?.signal ? `signal ${this.exited.signal}` : `code ${this.exited?.code}`;
    return `the kernel exited (${how}); its output:\n${this.kernelLog.trim()}`;
  }

  /** Send a request and wait for its reply; resolves to null after `timeoutMs`. Rejects if the kernel dies. */
  private async request(socket: Dealer, message: JupyterMessage<unknown>, timeoutMs: number): Promise<JupyterMessage | null> {
    const reply = new Promise<JupyterMessage>((resolve) => this.replies.set(message.header.msg_id, resolve));
    await socket.send(encodeMessage(message, this.connection.key));
    const deadline = Date.now() + timeoutMs;
    try {
      while (Date.now() < deadline) {
        if (this.exited) throw new Error(this.describeExit());
        const got = await within(reply, Math.min(100, deadline - Date.now()), null);
        if (got) return got;
      }
      return null;
    } finally {
      this.replies.delete(message.header.msg_id);
    }
  }

  /**
   * Ready means: shell answers kernel_info_request and iopub delivers its status messages. iopub is a
   * PUB/SUB socket that drops messages until the subscription is through, so keep asking until one arrives.
   */
  private async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const message = newMessage('kernel_info_request', this.session, {});
      let sawIopub = false;
      this.listeners.set(message.header.msg_id, () => {
        sawIopub = true;
      });
      const reply = await this.request(this.shell, message, Math.max(1, deadline - Date.now()));
      for (let waited = 0; reply && !sawIopub && waited < 500; waited += 50) await sleep(50);
      this.listeners.delete(message.header.msg_id);
      if (reply && sawIopub) return;
    }
    throw new Error(`the kernel did not answer within ${timeoutMs} ms${this.exited ? `; ${this.describeExit()}` : ''}`);
  }

  /**
   * Run one cell's code. Every iopub message it causes goes to `onOutput`; resolves once the kernel
   * has replied and gone idle (outputs after the reply still belong to the cell).
   */
  async execute(code: string, onOutput: (message: JupyterMessage) => void, timeoutMs = 600_000): Promise<ExecuteOutcome> {
    const message = newMessage('execute_request', this.session, {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    let idle!: () => void;
    const wentIdle = new Promise<void>((resolve) => (idle = resolve));
    this.listeners.set(message.header.msg_id, (output) => {
      if (output.header.msg_type === 'status') {
        if (output.content.execution_state === 'idle') idle();
      } else {
        onOutput(output);
      }
    });
    try {
      const started = Date.now();
      const reply = await this.request(this.shell, message, timeoutMs);
      if (!reply) throw new Error(`the cell did not finish within ${Math.round(timeoutMs / 1000)} s`);
      const left = Math.max(1000, timeoutMs - (Date.now() - started));
      const idleInTime = await within(wentIdle.then(() => true), left, false);
      if (!idleInTime) throw new Error('the kernel replied but never went idle');
      const content = reply.content as { status?: string; execution_count?: number };
      const status = content.status === 'ok' || content.status === 'abort' ? content.status : 'error';
      return { status, executionCount: typeof content.execution_count === 'number' ? content.execution_count : null };
    } finally {
      this.listeners.delete(message.header.msg_id);
    }
  }

  async kernelInfo(): Promise<Record<string, unknown>> {
    const reply = await this.request(this.shell, newMessage('kernel_info_request', this.session, {}), 10_000);
    if (!reply) throw new Error('the kernel did not answer kernel_info_request');
    return reply.content;
  }

  /** Ask the kernel to stop, then make sure its process is gone. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (!this.exited && !this.closed) {
      await this.request(this.control, newMessage('shutdown_request', this.session, { restart: false }), 2000).catch(() => null);
    }
    this.closed = true;
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      for (let waited = 0; !this.exited && waited < 3000; waited += 50) await sleep(50);
      if (this.exited) break;
      this.process.kill(signal);
    }
    this.shell.close();
    this.control.close();
    this.iopub.close();
    rmSync(this.connectionFile, { force: true });
  }
}
