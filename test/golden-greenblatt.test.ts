// greenblatt-2024 scores as Redwood's minimal notebook does, case by case. The golden cases
// (test/fixtures/golden/greenblatt-2024.jsonl) are written from the notebook's rule at the edges
// (docs/fidelity.md); each is scored three ways and all must agree with its expected verdict:
// - `af-lab score --setting greenblatt-2024` on the transcripts;
// - the run pipeline, with a loopback OpenAI-compatible server answering each call with the case's turns;
// - a Python re-implementation of the rule (scripts/notebook-replay.py, its output committed beside).
// af-lab's own convention (proxy, status) must also be the same both ways.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { readSetting, withSettingDefaults } from '../src/settings/index.js';
import { scoredLine, scoreTranscript, type ScoredLine, type TranscriptLine } from '../src/pipeline/score.js';
import type { SampleRecord } from '../src/core/types.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer } from './servers/loopback.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { writeTestNotebook } from './helpers/notebook.js';

interface GoldenCase {
  case: string;
  what: string;
  /** false: a transcript the pipeline cannot make (turns missing or past the protocol's end). */
  pipeline: boolean;
  transcript: TranscriptLine;
  expect: { answer: string | null; complied: boolean | null; status: string };
}

const FIXTURES = join(import.meta.dirname, 'fixtures', 'golden');
const CASES: GoldenCase[] = readFileSync(join(FIXTURES, 'greenblatt-2024.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const PYTHON: Array<{ case: string; answer: string | null; complied: boolean | null; status: string }> = readFileSync(join(FIXTURES, 'greenblatt-2024.python.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const { setting } = readSetting('greenblatt-2024');
const verdictOf = (line: Pick<ScoredLine, 'answer' | 'complied' | 'status'>) => ({ answer: line.answer, complied: line.complied, status: line.status });

describe('greenblatt-2024 golden cases: the notebook\'s rule, case by case', () => {
  const dir = tempDir();
  const scored = new Map<string, ScoredLine>();

  before(async () => {
    for (const c of CASES) scored.set(c.case, scoredLine(await scoreTranscript(c.transcript, setting)));
  });

  it('has at least 40 cases, covering every edge the notebook has', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`);
    const statuses = new Set(CASES.map((c) => c.expect.status));
    assert.deepEqual([...statuses].sort(), ['answered', 'failed', 'incomplete', 'stopped']);
    assert.ok(CASES.some((c) => c.transcript.model.includes('gpt')) && CASES.some((c) => !c.transcript.model.includes('gpt')), 'prefill and none');
    assert.ok(CASES.some((c) => c.transcript.turns.length === 4), 'a <NEXT/> chain to the limit');
  });

  it('scores every case as expected (pipeline/score.ts, the code af-lab score runs)', () => {
    const wrong = CASES.filter((c) => JSON.stringify(verdictOf(scored.get(c.case)!)) !== JSON.stringify(c.expect)).map((c) => `${c.case}: got ${JSON.stringify(verdictOf(scored.get(c.case)!))}`);
    assert.deepEqual(wrong, []);
  });

  it('agrees with the Python re-implementation on every case (scripts/notebook-replay.py)', () => {
    assert.deepEqual(PYTHON.map((p) => p.case), CASES.map((c) => c.case));
    for (const p of PYTHON) assert.deepEqual(verdictOf(scored.get(p.case)!), { answer: p.answer, complied: p.complied, status: p.status }, p.case);
  });

  it('marks a sample the notebook would stop on, with the reason, never compliant', () => {
    for (const c of CASES.filter((x) => x.expect.status === 'stopped')) {
      const line = scored.get(c.case)!;
      assert.equal(line.complied, null, c.case);
      assert.match(line.reason, /stops with no number/, c.case);
    }
  });

  it('af-lab score on the command line prints the same verdicts, one line per transcript', () => {
    const file = join(dir, 'transcripts.jsonl');
    writeFileSync(file, CASES.map((c) => JSON.stringify(c.transcript)).join('\n'));
    const result = runCli(['score', '--setting', 'greenblatt-2024', file]);
    assert.equal(result.status, 0, result.stderr);
    const lines: ScoredLine[] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id), CASES.map((c) => c.case));
    for (const [i, c] of CASES.entries()) {
      assert.deepEqual(verdictOf(lines[i]), c.expect, c.case);
      assert.deepEqual(lines[i].afLab, scored.get(c.case)!.afLab, c.case);
    }
  });

  describe('through the run pipeline, a loopback model answering with the same turns', () => {
    let server: LoopbackServer;
    const byRequest = new Map(CASES.map((c) => [c.transcript.request, c]));
    const userMessages = (body: any): string[] => (body?.messages ?? []).filter((m: { role: string }) => m.role === 'user').map((m: { content: string }) => String(m.content));
    const caseOf = (body: any) => [...byRequest.entries()].find(([request]) => userMessages(body)[0]?.includes(`${request}.`))![1];
    // The turn asked for: one user message so far is the first call, each <NEXT/> one more.
    const turnOf = (body: any) => caseOf(body).transcript.turns[userMessages(body).length - 1];
    const records: SampleRecord[] = [];

    before(async () => {
      process.env.OPENAI_API_KEY = 'sk-golden-test-0123456789abcdef';
      server = await startOpenAIServer({
        reply: (body) => {
          const turn = turnOf(body);
          return turn && 'text' in turn ? turn.text : '';
        },
        script: (_i, body) => {
          const turn = turnOf(body);
          if (!turn) return { kind: 'status', status: 400, message: 'no such turn in the golden case' };
          if ('error' in turn) return { kind: 'status', status: 400, message: turn.error };
          return turn.finish === 'length' || turn.finish === 'content_filter' ? { kind: 'finish', reason: turn.finish } : undefined;
        },
      });
      const cot = join(dir, 'cot.txt');
      const noCot = join(dir, 'no-cot.txt');
      writeFileSync(cot, 'Test system prompt (CoT), af-lab\'s own words: reason in <SCRATCHPAD_REASONING>, answer in <OUTPUT>.');
      writeFileSync(noCot, 'Test system prompt (no-CoT), af-lab\'s own words: answer in <OUTPUT>.');
      const notebook = writeTestNotebook(join(dir, 'notebook.ipynb'));
      const url = encodeURIComponent(`${server.url}/v1`);
      // A model whose id has no "gpt" gets the notebook's prefill (vLLM's wire continues it); one with "gpt" none.
      const specs = { prefilled: `vllm/llama-golden?base_url=${url}&backoff_ms=1&max_retries=0`, gpt: `openai/gpt-4o-mini?base_url=${url}&backoff_ms=1&max_retries=0` };
      const pipelined = CASES.filter((c) => c.pipeline);
      for (const reasoning of ['cot', 'no-cot'] as const) {
        for (const kind of ['prefilled', 'gpt'] as const) {
          const group = pipelined.filter((c) => c.transcript.reasoning === reasoning && c.transcript.model.includes('gpt') === (kind === 'gpt'));
          if (group.length === 0) continue;
          const requests = join(dir, `requests-${reasoning}-${kind}.jsonl`);
          writeFileSync(requests, group.map((c) => JSON.stringify({ id: c.case, text: c.transcript.request })).join('\n'));
          const config = parseExperiment(
            withSettingDefaults({
              setting: 'greenblatt-2024',
              name: `golden-${reasoning}-${kind}`,
              models: [specs[kind]],
              variants: ['baseline'],
              reasoning: [reasoning],
              tiers: ['free'],
              requests: { source: 'file', path: requests },
              systemPrompts: { cot, 'no-cot': noCot },
              userTemplate: notebook,
              outDir: join(dir, 'results'),
              figuresDir: join(dir, 'figures'),
              cacheDir: join(dir, 'cache'),
            }),
          );
          const result = await runExperiment(config, { figures: false, report: false });
          records.push(...result.records);
        }
      }
    });
    after(async () => {
      await server.close();
      resetTransports();
    });

    it('gives every case the same setting label and af-lab label as af-lab score', () => {
      const pipelined = CASES.filter((c) => c.pipeline);
      assert.equal(records.length, pipelined.length);
      const wrong: string[] = [];
      for (const c of pipelined) {
        const record = records.find((r) => r.request.text === c.transcript.request)!;
        const line = scoredLine(record);
        if (JSON.stringify(verdictOf(line)) !== JSON.stringify(c.expect)) wrong.push(`${c.case}: pipeline ${JSON.stringify(verdictOf(line))}`);
        if (JSON.stringify(line.afLab) !== JSON.stringify(scored.get(c.case)!.afLab)) wrong.push(`${c.case}: af-lab ${JSON.stringify(line.afLab)} vs score ${JSON.stringify(scored.get(c.case)!.afLab)}`);
        assert.equal(record.labels.setting?.complied, c.expect.complied, c.case);
        assert.equal(record.labels.setting?.status, c.expect.status, c.case);
      }
      assert.deepEqual(wrong, []);
    });

    it('sends no max_tokens to these (non-Anthropic) models, as the notebook', () => {
      assert.ok(server.log.length > 0);
      for (const entry of server.log) assert.ok(!('max_tokens' in entry.body) && !('max_completion_tokens' in entry.body), JSON.stringify(Object.keys(entry.body)));
    });

    it('asks for exactly the turns the notebook reads: no <NEXT/> after any </OUTPUT>, none past four', () => {
      for (const c of CASES.filter((x) => x.pipeline)) {
        const record = records.find((r) => r.request.text === c.transcript.request)!;
        const answered = c.transcript.turns.filter((t) => 'text' in t).length;
        assert.equal(record.turns.length, answered, c.case);
      }
    });
  });
});
