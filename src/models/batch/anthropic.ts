// Anthropic's Message Batches through `@anthropic-ai/sdk`: the requests go up in the create call (the
// API keeps no metadata), so a batch submitted before a crash is found again by its contents: once
// ended, by its custom ids (which carry the intent id); in progress, by its size and creation time
// only, checked when it ends (docs/batch.md). Each request's params are the direct path's body.
import Anthropic from '@anthropic-ai/sdk';
import type { ChatRequest } from '../../core/types.js';
import type { ModelSpec } from '../spec.js';
import { httpFetch } from '../transport/httpFetch.js';
import { anthropicWire, messageBody, messageResponse } from '../providers/anthropic.js';
import type { BatchClient, BatchLine, BatchStatus, LineResult } from './types.js';
import { matchInProgress, sameIds } from './find.js';

/** Documented: up to 100,000 requests or 256 MB per batch, whichever comes first. */
export const ANTHROPIC_BATCH_LIMITS = { maxRequests: 100_000, maxBytes: 256 * 1024 * 1024 };

export function createAnthropicBatchClient(spec: ModelSpec): BatchClient {
  const { baseURL, apiKey, ...wire } = anthropicWire(spec);
  const client = new Anthropic({ apiKey, baseURL, maxRetries: 2, ...(spec.options.http === 'fetch' ? {} : { fetch: httpFetch }) });

  const statusOf = (batch: Anthropic.Messages.MessageBatch): BatchStatus => {
    const c = batch.request_counts;
    const failed = c.errored + c.canceled + c.expired;
    const state =
      batch.processing_status === 'in_progress' ? 'in_progress'
      : batch.processing_status === 'canceling' ? 'cancelling'
      : batch.cancel_initiated_at ? 'cancelled'
      : 'completed';
    return { id: batch.id, state, counts: { total: c.processing + c.succeeded + failed, succeeded: c.succeeded, failed }, createdAt: batch.created_at, expiresAt: batch.expires_at };
  };

  async function customIdsOf(id: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const line of await client.messages.batches.results(id)) ids.push(line.custom_id);
    return ids;
  }

  return {
    provider: 'anthropic',
    limits: ANTHROPIC_BATCH_LIMITS,
    bodiesFor(request: ChatRequest, n: number) {
      // The messages API has no `n`: one request per completion, as the direct path makes one call each.
      const { body, prefillApplied } = messageBody(wire, request);
      return Array.from({ length: n }, () => ({ body: body as unknown as Record<string, unknown>, n: 1, prefillApplied }));
    },
    lineBytes: (line) => Buffer.byteLength(JSON.stringify({ custom_id: line.customId, params: line.body })) + 1,
    response: (body, prefillApplied) => messageResponse(body as Anthropic.Message, prefillApplied),
    async submit(lines: BatchLine[]) {
      const batch = await client.messages.batches.create({
        requests: lines.map((line) => ({ custom_id: line.customId, params: line.body as unknown as Anthropic.Messages.MessageCreateParamsNonStreaming })),
      });
      return statusOf(batch);
    },
    async find({ createdAt, customIds, exclude = [] }) {
      // The API keeps no metadata and lists no requests of a batch, only counts; its results (with each
      // line's custom id) can be read once it has ended. So an ended batch is ours only if its custom
      // ids are exactly the intent's (they carry the intent id: no other intent's batch has them); a
      // batch in progress can only be matched by its size and creation time (see matchInProgress).
      const since = Date.parse(createdAt) - 300_000;
      const wanted = new Set(customIds);
      const inProgress: BatchStatus[] = [];
      for await (const batch of client.messages.batches.list({ limit: 100 })) {
        if (Date.parse(batch.created_at) < since) break;
        const status = statusOf(batch);
        if (exclude.includes(batch.id) || status.counts.total !== wanted.size) continue;
        if (batch.processing_status !== 'ended') {
          inProgress.push(status);
          continue;
        }
        if (sameIds(await customIdsOf(batch.id), wanted)) return { ...status, matchedBy: 'custom-ids' };
      }
      const candidate = matchInProgress(inProgress, createdAt);
      return candidate ? { ...candidate, matchedBy: 'size-and-time' } : undefined;
    },
    status: async (id) => statusOf(await client.messages.batches.retrieve(id)),
    async results(id) {
      const out: LineResult[] = [];
      for await (const line of await client.messages.batches.results(id)) {
        const result = line.result;
        if (result.type === 'succeeded') out.push({ customId: line.custom_id, ok: true, body: result.message });
        else if (result.type === 'errored') {
          const error = result.error?.error as { type?: string; message?: string } | undefined;
          const kind = error?.type === 'invalid_request_error' ? 'bad_request' : error?.type === 'overloaded_error' || error?.type === 'api_error' ? 'server_error' : error?.type === 'rate_limit_error' ? 'rate_limited' : 'other';
          out.push({ customId: line.custom_id, ok: false, kind, message: `${error?.type ?? 'error'}: ${error?.message ?? 'no message'}` });
        } else out.push({ customId: line.custom_id, ok: false, kind: result.type === 'expired' ? 'expired' : 'cancelled', message: `the request was ${result.type === 'expired' ? 'expired' : 'cancelled'} before it was answered` });
      }
      return out;
    },
    cancel: async (id) => statusOf(await client.messages.batches.cancel(id)),
  };
}
