// A loopback server with the OpenAI files + batches endpoints and the Anthropic message batches
// endpoints (documented shapes and states), plus the direct chat endpoints of both, answering every
// request (direct or batched) with the same scripted reply. Batches move on by events, never by the
// clock: each poll of a batch advances it one state along its script. `events` lets a test act at
// each step (kill the client while the server holds a batch it accepted, say); `paid` counts every
// line the server answered, by custom id and request body, so a test can see nothing was paid twice.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { listenOnLoopback } from './loopback.js';
import { openaiWire } from './openai.js';
import { anthropicWire } from './anthropic.js';

export type LineOutcome = 'ok' | 'expired' | { status: number; message?: string };

export interface BatchServerOptions {
  /** The reply text for a request body (direct or batched). */
  reply: (body: any) => string;
  /** How batch `index` (0-based, in creation order) ends: default completed. */
  finalState?: (index: number) => 'completed' | 'expired' | 'cancelled' | 'failed';
  /** The states a batch passes through before its final one, one per poll (default validating, in_progress, finalizing). */
  steps?: string[];
  /** A line's outcome in batch `index` (default ok). */
  lineOutcome?: (customId: string, body: any, index: number) => LineOutcome;
  /** Called at each event; awaited before the server answers (a test may kill the client here). */
  events?: (event: 'upload' | 'create' | 'poll' | 'download' | 'direct', info: { batchId?: string; index?: number }) => void | Promise<void>;
}

interface ServedBatch {
  id: string;
  index: number;
  provider: 'openai' | 'anthropic';
  lines: Array<{ customId: string; body: any }>;
  metadata: Record<string, string>;
  createdAt: number;
  step: number;
  cancelled: boolean;
  /** Per line: the response body or the error, settled when the batch ends. */
  results?: Array<{ customId: string; ok: boolean; body?: any; status?: number; message?: string; expired?: boolean }>;
}

export interface BatchServer {
  url: string;
  batches: ServedBatch[];
  /** Lines answered (paid for), by `custom_id|sha256(body)`. */
  paid: Map<string, number>;
  /**
   * Lines answered, by sha256(body) alone: how often each request was paid for, whatever custom id it
   * was sent under (a line sent again goes under its new intent's id).
   */
  paidRequests: Map<string, number>;
  /** Direct chat requests answered. */
  direct: any[];
  close(): Promise<void>;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export async function startBatchServer(options: BatchServerOptions): Promise<BatchServer> {
  const files = new Map<string, string>();
  const batches: ServedBatch[] = [];
  const paid = new Map<string, number>();
  const paidRequests = new Map<string, number>();
  const direct: any[] = [];
  const steps = options.steps ?? ['validating', 'in_progress', 'finalizing'];
  let fileCounter = 0;

  const settle = (batch: ServedBatch) => {
    if (batch.results) return;
    const final = finalOf(batch);
    batch.results = batch.lines.map(({ customId, body }) => {
      const outcome = final === 'failed' ? { status: 400 } : final === 'cancelled' ? 'expired' : final === 'expired' ? 'expired' : options.lineOutcome?.(customId, body, batch.index) ?? 'ok';
      if (outcome === 'ok') {
        const key = `${customId}|${sha(JSON.stringify(body))}`;
        paid.set(key, (paid.get(key) ?? 0) + 1);
        const request = sha(JSON.stringify(body));
        paidRequests.set(request, (paidRequests.get(request) ?? 0) + 1);
        const text = options.reply(body);
        return { customId, ok: true, body: (batch.provider === 'openai' ? openaiWire : anthropicWire).success(body, text, 'stop') };
      }
      if (outcome === 'expired') return { customId, ok: false, expired: true };
      return { customId, ok: false, status: outcome.status, message: outcome.message ?? `scripted ${outcome.status}` };
    });
  };
  const finalOf = (batch: ServedBatch) => (batch.cancelled ? 'cancelled' : options.finalState?.(batch.index) ?? 'completed');
  const stateOf = (batch: ServedBatch): string => (batch.step < steps.length && !batch.cancelled ? steps[batch.step] : finalOf(batch));
  const ended = (batch: ServedBatch) => batch.cancelled || batch.step >= steps.length;

  const openaiBatch = (batch: ServedBatch) => {
    const state = stateOf(batch);
    if (ended(batch)) settle(batch);
    const done = batch.results?.filter((r) => r.ok).length ?? 0;
    const failed = batch.results ? batch.results.length - done : 0;
    const output = ended(batch) && state !== 'failed' ? `file-out-${batch.id}` : null;
    const errors = ended(batch) && failed > 0 && state !== 'failed' ? `file-err-${batch.id}` : null;
    if (output) files.set(output, (batch.results ?? []).filter((r) => r.ok).map((r) => JSON.stringify({ id: `req-${r.customId}`, custom_id: r.customId, response: { status_code: 200, request_id: 'r', body: r.body }, error: null })).join('\n') + '\n');
    if (errors) {
      files.set(errors, (batch.results ?? []).filter((r) => !r.ok).map((r) => JSON.stringify(r.expired
        ? { id: `req-${r.customId}`, custom_id: r.customId, response: null, error: { code: state === 'cancelled' ? 'batch_cancelled' : 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }
        : { id: `req-${r.customId}`, custom_id: r.customId, response: { status_code: r.status, request_id: 'r', body: { error: { message: r.message, type: 'server_error' } } }, error: null })).join('\n') + '\n');
    }
    return {
      id: batch.id, object: 'batch', endpoint: '/v1/chat/completions', errors: state === 'failed' ? { object: 'list', data: [{ code: 'invalid_file', message: 'scripted validation failure' }] } : null,
      input_file_id: 'file-in', completion_window: '24h', status: state, output_file_id: output, error_file_id: errors,
      created_at: batch.createdAt, expires_at: batch.createdAt + 86400, in_progress_at: null, finalizing_at: null, completed_at: null, failed_at: null, expired_at: null, cancelling_at: null, cancelled_at: null,
      request_counts: { total: batch.lines.length, completed: done, failed }, metadata: batch.metadata,
    };
  };

  const anthropicBatch = (batch: ServedBatch) => {
    if (ended(batch)) settle(batch);
    const results = batch.results ?? [];
    const succeeded = results.filter((r) => r.ok).length;
    const expired = results.filter((r) => r.expired).length;
    const errored = results.length - succeeded - expired;
    const created = new Date(batch.createdAt * 1000).toISOString();
    return {
      id: batch.id, type: 'message_batch', processing_status: ended(batch) ? 'ended' : batch.cancelled ? 'canceling' : 'in_progress',
      request_counts: { processing: ended(batch) ? 0 : batch.lines.length, succeeded, errored, canceled: batch.cancelled ? expired : 0, expired: batch.cancelled ? 0 : expired },
      ended_at: ended(batch) ? created : null, created_at: created, expires_at: new Date((batch.createdAt + 86400) * 1000).toISOString(), archived_at: null,
      cancel_initiated_at: batch.cancelled ? created : null, results_url: ended(batch) ? `/v1/messages/batches/${batch.id}/results` : null,
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, raw: Buffer, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const json = () => JSON.parse(raw.toString('utf8'));
    // Direct calls.
    if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/messages')) {
      const body = json();
      direct.push(body);
      await options.events?.('direct', {});
      return send(res, 200, (path === '/v1/messages' ? anthropicWire : openaiWire).success(body, options.reply(body), 'stop'));
    }
    // OpenAI files.
    if (req.method === 'POST' && path === '/v1/files') {
      await options.events?.('upload', {});
      const id = `file-${++fileCounter}`;
      files.set(id, multipartFile(raw, String(req.headers['content-type'])));
      return send(res, 200, { id, object: 'file', bytes: raw.length, created_at: Math.floor(Date.now() / 1000), filename: 'batch.jsonl', purpose: 'batch' });
    }
    const content = path.match(/^\/v1\/files\/([^/]+)\/content$/);
    if (req.method === 'GET' && content) {
      await options.events?.('download', {});
      const text = files.get(content[1]);
      return text === undefined ? send(res, 404, { error: { message: 'no such file' } }) : send(res, 200, text, 'application/octet-stream');
    }
    // OpenAI batches.
    if (req.method === 'POST' && path === '/v1/batches') {
      const body = json();
      const text = files.get(body.input_file_id) ?? '';
      const batch: ServedBatch = { id: `batch_${batches.length + 1}`, index: batches.length, provider: 'openai', lines: text.split('\n').filter((l) => l.trim()).map((l) => { const line = JSON.parse(l); return { customId: line.custom_id, body: line.body }; }), metadata: body.metadata ?? {}, createdAt: Math.floor(Date.now() / 1000), step: 0, cancelled: false };
      batches.push(batch);
      await options.events?.('create', { batchId: batch.id, index: batch.index });
      return send(res, 200, openaiBatch(batch));
    }
    if (req.method === 'GET' && path === '/v1/batches') {
      const list = batches.filter((b) => b.provider === 'openai').slice().reverse();
      const after = url.searchParams.get('after');
      const start = after ? list.findIndex((b) => b.id === after) + 1 : 0;
      const page = list.slice(start, start + Number(url.searchParams.get('limit') ?? 20));
      return send(res, 200, { object: 'list', data: page.map(openaiBatch), first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null, has_more: start + page.length < list.length });
    }
    const openaiOne = path.match(/^\/v1\/batches\/([^/]+)(\/cancel)?$/);
    if (openaiOne) {
      const batch = batches.find((b) => b.id === openaiOne[1]);
      if (!batch) return send(res, 404, { error: { message: 'no such batch' } });
      if (openaiOne[2]) batch.cancelled = !ended(batch) || batch.cancelled;
      else {
        await options.events?.('poll', { batchId: batch.id, index: batch.index });
        batch.step++;
      }
      return send(res, 200, openaiBatch(batch));
    }
    // Anthropic message batches.
    if (req.method === 'POST' && path === '/v1/messages/batches') {
      const body = json();
      const batch: ServedBatch = { id: `msgbatch_${batches.length + 1}`, index: batches.length, provider: 'anthropic', lines: body.requests.map((r: any) => ({ customId: r.custom_id, body: r.params })), metadata: {}, createdAt: Math.floor(Date.now() / 1000), step: 0, cancelled: false };
      batches.push(batch);
      await options.events?.('create', { batchId: batch.id, index: batch.index });
      return send(res, 200, anthropicBatch(batch));
    }
    if (req.method === 'GET' && path === '/v1/messages/batches') {
      const list = batches.filter((b) => b.provider === 'anthropic').slice().reverse();
      return send(res, 200, { data: list.map(anthropicBatch), has_more: false, first_id: list[0]?.id ?? null, last_id: list[list.length - 1]?.id ?? null });
    }
    const results = path.match(/^\/v1\/messages\/batches\/([^/]+)\/results$/);
    if (results) {
      const batch = batches.find((b) => b.id === results[1]);
      if (!batch?.results) return send(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no results yet' } });
      await options.events?.('download', { batchId: batch.id, index: batch.index });
      const lines = batch.results.map((r) => JSON.stringify({ custom_id: r.customId, result: r.ok ? { type: 'succeeded', message: r.body } : r.expired ? { type: batch.cancelled ? 'canceled' : 'expired' } : { type: 'errored', error: { type: 'error', error: { type: r.status === 400 ? 'invalid_request_error' : 'api_error', message: r.message } } } }));
      return send(res, 200, lines.join('\n') + '\n', 'application/binary');
    }
    const anthropicOne = path.match(/^\/v1\/messages\/batches\/([^/]+)(\/cancel)?$/);
    if (anthropicOne) {
      const batch = batches.find((b) => b.id === anthropicOne[1]);
      if (!batch) return send(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no such batch' } });
      if (anthropicOne[2]) batch.cancelled = true;
      else {
        await options.events?.('poll', { batchId: batch.id, index: batch.index });
        batch.step++;
      }
      return send(res, 200, anthropicBatch(batch));
    }
    send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).catch((err) => {
        if (!res.headersSent) send(res, 500, { error: { message: String(err) } });
      });
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.url, batches, paid, paidRequests, direct, close: listening.close };
}

/** The uploaded file's bytes from a multipart/form-data body. */
function multipartFile(raw: Buffer, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const text = raw.toString('utf8');
  if (!boundary) return text;
  const parts = text.split(`--${boundary[1] ?? boundary[2]}`);
  const file = parts.find((p) => /filename=/.test(p)) ?? '';
  const start = file.indexOf('\r\n\r\n');
  return file.slice(start + 4).replace(/\r\n$/, '');
}
