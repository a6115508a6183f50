// Loopback HTTP servers that speak a chat API's wire format and misbehave on cue, so that the real
// SDKs, the transport and the runner are tested against what hosted APIs do under load.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server does with one request. */
export type Fault =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'empty' }
  | { kind: 'finish'; reason: 'length' | 'content_filter' };

export interface RequestLog {
  index: number;
  /** Arrival time (ms, performance clock). */
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  fault: Fault['kind'];
}

export interface LoopbackOptions {
  latencyMs?: number;
  /** The fault for the i-th request (0-based); `ok` when it returns undefined. */
  script?: (index: number, body: any) => Fault | undefined;
  /** The assistant text for a successful request. */
  reply?: (body: any) => string;
  /** A reasoning model's extras for a successful request (native reasoning, hidden reasoning tokens). */
  extras?: (body: any) => ReplyExtras;
  /** Server-side rate limit: at most `requests` arrivals in any `windowMs`; others get 429 + Retry-After. */
  rateLimit?: { requests: number; windowMs: number };
  /**
   * Keep each request's headers and body in the log (default true, for tests that inspect them). The
   * benchmark turns it off: thousands of retained prompts grow the server's heap, and its major
   * collections then delay every response in flight.
   */
  logBodies?: boolean;
}

export interface LoopbackServer {
  url: string;
  log: RequestLog[];
  /** Most requests in flight at once, as the server saw them. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** What a reasoning model adds to an answer, written in each wire format's own way. */
export interface ReplyExtras {
  /** Native reasoning text (OpenAI-compatible: a message field; Anthropic: a thinking block). */
  reasoning?: string;
  /** Which OpenAI-compatible field carries it (default `reasoning_content`). */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Reasoning tokens reported in usage.completion_tokens_details (OpenAI o-series hide the text). */
  reasoningTokens?: number;
  /** Anthropic: a redacted_thinking block instead of readable thinking. */
  redactedThinking?: boolean;
}

/** How one wire format writes a success and an error. */
export interface WireFormat {
  paths: string[];
  success(body: any, text: string, finish: 'stop' | 'length' | 'content_filter' | 'empty', extras?: ReplyExtras): unknown;
  error(status: number, message: string): unknown;
}

export function roughTokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function startLoopback(format: WireFormat, options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const log: RequestLog[] = [];
  const hanging = new Set<ServerResponse>();
  const arrivals: number[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const index = log.length;
      let body: any = undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      let fault: Fault = options.script?.(index, body) ?? { kind: 'ok' };
      if (options.rateLimit) {
        const { requests, windowMs } = options.rateLimit;
        while (arrivals.length && arrivals[0] <= at - windowMs) arrivals.shift();
        if (arrivals.length >= requests) {
          const wait = Math.max(0.001, (arrivals[0] + windowMs - at) / 1000);
          fault = { kind: 'status', status: 429, retryAfter: wait.toFixed(3), message: 'rate limit exceeded' };
        } else arrivals.push(at);
      }
      const path = req.url ?? '';
      log.push(options.logBodies === false ? { index, at, path, headers: {}, body: undefined, fault: fault.kind } : { index, at, path, headers: req.headers, body, fault: fault.kind });
      if (!format.paths.some((p) => path.startsWith(p))) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(format.error(404, `no route ${path}`)));
        return;
      }
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const finish = () => {
        inFlight--;
      };
      const respond = () => {
        switch (fault.kind) {
          case 'reset':
            finish();
            req.socket.destroy();
            return;
          case 'hang':
            hanging.add(res);
            res.on('close', finish);
            return;
          case 'status': {
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
            res.writeHead(fault.status, headers).end(JSON.stringify(format.error(fault.status, fault.message ?? `scripted ${fault.status}`)));
            finish();
            return;
          }
          case 'malformed':
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "broken", "choices": [ {"message": ');
            finish();
            return;
          default: {
            const text = options.reply ? options.reply(body) : 'loopback reply';
            const kind = fault.kind === 'empty' ? 'empty' : fault.kind === 'finish' ? fault.reason : 'stop';
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(format.success(body, text, kind, options.extras?.(body))));
            finish();
          }
        }
      };
      if (options.latencyMs) setTimeout(respond, options.latencyMs);
      else respond();
    });
  });
  server.keepAliveTimeout = 60_000;
  const listening = await listenOnLoopback(server, () => {
    for (const res of hanging) res.destroy();
  });
  return {
    url: listening.url,
    log,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: listening.close,
  };
}

/**
 * Listen on a free loopback port; `close` ends every open connection (keep-alive sockets would hold
 * the server open) after `beforeClose`, then closes the server.
 */
export async function listenOnLoopback(server: Server, beforeClose: () => void = () => undefined): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        beforeClose();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
