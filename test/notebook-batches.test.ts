// A notebook cell that sends its step through a provider's batch API (a loopback server speaking
// OpenAI's files + batches endpoints): the progress box shows each batch's state and counts, the time
// waited and the 24-hour window; a cell that does not wait returns with its batches in flight, and
// running it again later picks the results up, until the run is written. Nothing is paid twice.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runBatchedStep } from '../src/notebook/batchStep.js';
import { notebookView, type DisplayHost } from '../src/notebook/view.js';
import { batchLineText, batchProgressHtml } from '../src/notebook/batchHtml.js';
import { resetTransports } from '../src/models/transport/index.js';
import { startBatchServer, type BatchServer } from './servers/batchApis.js';
import { batchConfig, scriptedReply } from './batch-helpers.js';
import { tempDir } from './helpers/tmp.js';

/** A host that keeps every state each progress box was drawn in, and the other outputs. */
function recordingHost() {
  const boxes: string[][] = [];
  const sink = (push: (content: string) => void) => ({ html: push, markdown: push, text: push, png: () => push('png') });
  const host: DisplayHost = {
    display: sink(() => {}),
    newDisplay() {
      const states: string[] = [];
      boxes.push(states);
      return sink((content) => states.push(content));
    },
  };
  return { host, boxes };
}

describe('a batched notebook step', () => {
  let server: BatchServer;
  let spec: string;
  const dir = tempDir();
  before(async () => {
    process.env.OPENAI_API_KEY = 'sk-notebook-batch-0123456789abcdef';
    // Five polls before a batch ends: a cell that does not wait sees it in flight.
    server = await startBatchServer({ reply: scriptedReply, steps: ['validating', 'in_progress', 'in_progress', 'in_progress', 'finalizing'] });
    spec = `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`;
  });
  after(async () => {
    await server.close();
    resetTransports();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each batch in the progress box; a cell that does not wait is re-run until the run is written', async () => {
    const { host, boxes } = recordingHost();
    const view = notebookView(host);
    const step = { title: 'Batched baseline', config: batchConfig(dir, spec, { judge: 'sim/judge', name: 'notebook-batched' }) };

    const first = await runBatchedStep(step, view, { target: 'models', wait: false });
    assert.equal(first.result, undefined, 'the batch is in flight');
    assert.match(first.line, /1 batches in flight .*run this cell again later/);
    const drawn = boxes[0];
    // Submitted (validating), then looked at once (in progress, nothing answered yet of 4 lines).
    assert.ok(drawn.some((html) => /batch_1 · sample · openai\/gpt-4o-mini\S* · validating 0\/4/.test(html)), drawn.join('\n'));
    const last = drawn.at(-1)!;
    assert.match(last, /batches in flight/, 'the box says the step returned with batches in flight');
    assert.match(last, /batch_1 · sample · \S+ · in progress 0\/4; expires in 2[34] h \d+ min if not done/);
    assert.match(last, /batches, round 1: 1 in flight · waited \d+ s · the providers answer within 24 hours or expire a batch/);

    // Re-run the cell later (here: at once, the server moves a batch on at each poll) until it is done.
    let result = first;
    let cells = 1;
    while (!result.result && cells < 30) {
      result = await runBatchedStep(step, view, { target: 'models', wait: false });
      cells++;
    }
    assert.ok(result.result, 'the run was written once every batch was read');
    assert.equal(result.result.recordCount, 4);
    assert.match(result.line, /All \d+ batches read; the run is written \(4 samples\)/);
    assert.ok(cells > 3, 'it took several cells');
    // One box per cell; each later one shows the states the batches went through.
    assert.equal(boxes.length, cells);
    const everything = boxes.flat().join('\n');
    for (const state of ['validating', 'in progress', 'finalizing']) assert.match(everything, new RegExp(`· ${state} \\d+/4`), state);
    assert.match(boxes.at(-1)!.at(-1)!, /Batched baseline<\/b> · done/);
    assert.match(boxes.at(-1)!.at(-1)!, /samples 4\/4/);
    assert.ok([...server.paid.values()].every((n) => n === 1), 'no line paid twice');
  });

  it('a batch line names its state with its counts and failures, and the time left of its 24 hours', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const batch = { intentId: 'i1', id: 'batch_9', model: 'openai/gpt-4o-mini', role: 'judge' as const, state: 'in_progress' as const, counts: { total: 10, succeeded: 6, failed: 1 }, expiresAt: '2026-12-08T11:30:00Z' };
    assert.equal(batchLineText(batch, now), 'batch_9 · judge · openai/gpt-4o-mini · in progress 7/10 (1 failed); expires in 23 h 30 min if not done');
    assert.equal(batchLineText({ intentId: 'i2', model: 'm', role: 'sample', state: 'intent' }, now), 'intent i2 · sample · m · intent');
    const html = batchProgressHtml({ round: 3, waitedMs: 125_000, batches: [batch], note: 'batch batch_8 completed: 4 answered, 0 failed' }, now);
    assert.match(html, /batches, round 3: 1 in flight · waited 2 min 5 s/);
    assert.match(html, /batch batch_8 completed: 4 answered, 0 failed/);
  });
});
