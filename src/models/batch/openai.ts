// OpenAI's Batch API through the `openai` SDK: the lines go up as a JSONL file (`purpose: batch`), a
// batch is created on it for `/v1/chat/completions` with the intent id in its metadata, and the output
// and error files are downloaded once it is done. Each line's body is the direct path's request.
import OpenAI, { toFile } from 'openai';
import type { ChatRequest } from '../../core/types.js';
import type { ModelSpec } from '../spec.js';
import { chatCompletionBody, completionResponse, openAICompatibleWire } from '../providers/openaiCompatible.js';
import { OPENAI_COMPATIBLE_PRESETS } from '../providers/presets.js';
import type { BatchClient, BatchLine, BatchState, BatchStatus, LineResult } from './types.js';
import { errorKindOfStatus } from './errors.js';

/** Documented: up to 50,000 requests and 200 MB per input file. */
export const OPENAI_BATCH_LIMITS = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

/** The metadata key that carries af-lab's intent id on an OpenAI batch. */
export const INTENT_METADATA_KEY = 'af_lab_intent';

const ENDPOINT = '/v1/chat/completions';

export function createOpenAIBatchClient(spec: ModelSpec): BatchClient {
  const preset = OPENAI_COMPATIBLE_PRESETS.openai;
  const wire = openAICompatibleWire(preset, spec);
  // The SDK's own fetch: the upload is multipart form data, which af-lab's keep-alive fetch does not send.
  const client = new OpenAI({ apiKey: wire.apiKey, baseURL: wire.baseURL, maxRetries: 2 });

  const statusOf = (batch: OpenAI.Batches.Batch): BatchStatus => ({
    id: batch.id,
    state: batch.status as BatchState,
    counts: { total: batch.request_counts?.total ?? 0, succeeded: batch.request_counts?.completed ?? 0, failed: batch.request_counts?.failed ?? 0 },
    createdAt: new Date(batch.created_at * 1000).toISOString(),
    ...(batch.expires_at ? { expiresAt: new Date(batch.expires_at * 1000).toISOString() } : {}),
    ...(batch.errors?.data?.length ? { reason: batch.errors.data.map((e) => e.message).join('; ') } : {}),
  });

  async function download(fileId: string | null | undefined): Promise<string> {
    if (!fileId) return '';
    const response = await client.files.content(fileId);
    return response.text();
  }

  return {
    provider: 'openai',
    limits: OPENAI_BATCH_LIMITS,
    bodiesFor(request: ChatRequest, n: number) {
      // OpenAI takes `n`: one line asks every completion, as the direct call does.
      const { body, prefillApplied } = chatCompletionBody(preset, wire.prefill, spec.model, request, n);
      return [{ body, n, prefillApplied }];
    },
    lineBytes: (line) => Buffer.byteLength(jsonLine(line)) + 1,
    response: (body, prefillApplied) => completionResponse(body as OpenAI.Chat.ChatCompletion, [], prefillApplied),
    async submit(lines: BatchLine[], intentId: string) {
      const text = `${lines.map(jsonLine).join('\n')}\n`;
      const file = await client.files.create({ file: await toFile(Buffer.from(text), `af-lab-${intentId}.jsonl`), purpose: 'batch' });
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: ENDPOINT, completion_window: '24h', metadata: { [INTENT_METADATA_KEY]: intentId } });
      return statusOf(batch);
    },
    async find({ intentId, createdAt, exclude = [] }) {
      const since = Date.parse(createdAt) / 1000 - 300;
      // Newest first: stop paging once batches are older than the intent.
      for await (const batch of client.batches.list({ limit: 100 })) {
        if (batch.metadata?.[INTENT_METADATA_KEY] === intentId && !exclude.includes(batch.id)) return { ...statusOf(batch), matchedBy: 'metadata' };
        if (batch.created_at < since) break;
      }
      return undefined;
    },
    status: async (id) => statusOf(await client.batches.retrieve(id)),
    async results(id) {
      const batch = await client.batches.retrieve(id);
      const out: LineResult[] = [];
      for (const text of [await download(batch.output_file_id), await download(batch.error_file_id)]) {
        for (const raw of text.split('\n')) {
          if (!raw.trim()) continue;
          out.push(lineResult(JSON.parse(raw) as OutputLine));
        }
      }
      return out;
    },
    cancel: async (id) => statusOf(await client.batches.cancel(id)),
  };
}

function jsonLine(line: BatchLine): string {
  return JSON.stringify({ custom_id: line.customId, method: 'POST', url: ENDPOINT, body: line.body });
}

/** A line of the output or error file (documented shape). */
interface OutputLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: { code?: string | null; message?: string | null } | null;
}

function lineResult(line: OutputLine): LineResult {
  const status = line.response?.status_code;
  if (line.response && status !== undefined && status >= 200 && status < 300 && !line.error) return { customId: line.custom_id, ok: true, body: line.response.body };
  const bodyError = (line.response?.body as { error?: { message?: string } } | undefined)?.error?.message;
  const message = line.error?.message ?? bodyError ?? `status ${status ?? 'none'}`;
  const code = line.error?.code ?? '';
  const kind = code === 'batch_expired' ? 'expired' : code === 'batch_cancelled' ? 'cancelled' : errorKindOfStatus(status);
  return { customId: line.custom_id, ok: false, kind, message: `${code ? `${code}: ` : ''}${message}` };
}
