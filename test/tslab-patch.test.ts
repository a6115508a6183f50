// af-lab's patch to tslab 1.0.22 (patches/tslab+1.0.22.patch, applied by patch-package on install).
// zeromq 6 marks a socket "blocked" while its bind runs and throws EBUSY on a send or receive in that
// window; tslab started its receive loops before binding, so a request that arrived early (a client
// still connected to a restarted kernel) could kill the shell loop: the kernel hung.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const root = resolve(import.meta.dirname, '..');
const tslabRequire = createRequire(join(root, 'node_modules', 'tslab', 'dist', 'jupyter.js'));
// The very module instances the kernel uses, so that wrapping zeromq's methods sees its calls.
const zmq = tslabRequire('zeromq') as typeof import('zeromq');
const { ZmqServer } = tslabRequire('./jupyter.js') as {
  ZmqServer: new (handler: object, configPath: string) => { init(): Promise<void>; close(): void };
};
const scratch = tempDir('af-lab-tslab-');
after(() => rmSync(scratch, { recursive: true, force: true }));

async function listeners(count: number): Promise<Server[]> {
  return Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((done) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => done(server));
    })),
  );
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
async function freePorts(count: number): Promise<number[]> {
  const servers = await listeners(count);
  const ports = servers.map(portOf);
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

function connectionFile(ports: number[], key: string): string {
  const [shell, iopub, stdin, control, hb] = ports;
  const path = join(scratch, `${randomUUID()}.json`);
  const info = { transport: 'tcp', ip: '127.0.0.1', shell_port: shell, iopub_port: iopub, stdin_port: stdin,
    control_port: control, hb_port: hb, key, signature_scheme: 'hmac-sha256' };
  writeFileSync(path, JSON.stringify(info));
  return path;
}

function kernelInfoRequest(key: string): string[] {
  const header = JSON.stringify({ msg_id: randomUUID(), msg_type: 'kernel_info_request', session: 's', username: 'u',
    version: '5.3', date: new Date().toISOString() });
  const parts = [header, '{}', '{}', '{}'];
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return ['<IDS|MSG>', hmac.digest('hex'), ...parts];
}

test('the kernel binds all five sockets before it first receives or sends, and answers a request queued before', async () => {
  // Every call of bind, receive and send on the kernel's socket classes, in order. Native methods are
  // read-only, so the wrappers are defined on the classes' own prototypes and deleted afterwards.
  const events: string[] = [];
  const wrapped = [zmq.Publisher, zmq.Router, zmq.Reply].map((kind) => kind.prototype as object);
  for (const proto of wrapped) {
    for (const name of ['bind', 'receive', 'send'] as const) {
      const original = (zmq.Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      const wrapper = function (this: object, ...args: unknown[]) {
        events.push(name);
        const result = original.apply(this, args);
        if (name === 'bind') (result as Promise<void>).then(() => events.push('bound'), () => {});
        return result;
      };
      Object.defineProperty(proto, name, { value: wrapper, configurable: true, writable: true });
    }
  }
  const key = randomUUID();
  const ports = await freePorts(5);
  const client = new zmq.Dealer({ linger: 0, receiveTimeout: 30_000 });
  let server: { init(): Promise<void>; close(): void } | undefined;
  try {
    client.connect(`tcp://127.0.0.1:${ports[0]}`);
    await client.send(kernelInfoRequest(key)); // waits in the client until the kernel's shell is bound
    server = new ZmqServer({ handleKernel: () => ({ protocol_version: '5.3' }), close() {} }, connectionFile(ports, key));
    await server.init();
    const [, , header, , , content] = (await client.receive()).map(String); // <IDS|MSG>, hmac, ...
    const firstUse = events.findIndex((event) => event === 'receive' || event === 'send');
    assert.deepEqual(events.slice(0, firstUse), ['bind', 'bind', 'bind', 'bind', 'bind', 'bound', 'bound', 'bound', 'bound', 'bound']);
    assert.equal(JSON.parse(header).msg_type, 'kernel_info_reply');
    assert.deepEqual(JSON.parse(content), { protocol_version: '5.3' });
  } finally {
    for (const proto of wrapped) for (const name of ['bind', 'receive', 'send']) delete (proto as Record<string, unknown>)[name];
    client.close();
    server?.close();
  }
});

test('a kernel whose port is taken exits with an error instead of waiting forever', { timeout: scaled(120_000) }, async () => {
  const [taken] = await listeners(1);
  try {
    const ports = await freePorts(5);
    ports[0] = portOf(taken);
    const kernel = spawn(join(root, 'node_modules', '.bin', 'tslab'), ['kernel', '--config-path', connectionFile(ports, 'k')], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    kernel.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    kernel.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => kernel.on('exit', done));
    assert.equal(code, 1);
    assert.match(output, /could not bind its sockets/);
    assert.match(output, /Address already in use/);
  } finally {
    await new Promise((done) => taken.close(done));
  }
});
