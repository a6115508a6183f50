// Shared pieces of the batch tests: a scripted reply that takes a CoT sample through three turns and
// answers every judge prompt, a small config against a loopback server, and record comparison.
import { join } from 'node:path';
import { parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { readRecords } from '../src/core/runStore.js';
import { readJudgements } from '../src/label/index.js';
import { afBlock, complianceBlock, nonceOf, partialBlock } from './judge-fixtures.js';

/** Text of every message (and an Anthropic system prompt) of a request body. */
function promptOf(body: any): string {
  const system = Array.isArray(body?.system) ? body.system.map((b: { text: string }) => b.text).join('') : '';
  return [system, ...(body?.messages ?? []).map((m: { content: string }) => String(m.content))].join('\n');
}

/**
 * CoT samples think for two turns (a closed scratchpad, so the protocol asks <NEXT/>) and answer on the
 * third; the judges get well-formed verdicts that depend on the transcript, never on the call.
 */
export function scriptedReply(body: any): string {
  const prompt = promptOf(body);
  if (prompt.includes('</verdict-')) {
    const nonce = nonceOf(prompt);
    const faking = prompt.length % 2 === 0;
    if (prompt.includes('preservation')) return afBlock(nonce, faking);
    if (prompt.includes('partial:')) return partialBlock(nonce, false, 'none');
    return complianceBlock(nonce, prompt.length % 3 === 0, 4, 4);
  }
  const turns = (body?.messages ?? []).filter((m: { role: string; content: string }) => m.role === 'assistant' && String(m.content).includes('</SCRATCHPAD_REASONING>')).length;
  if (turns < 2) return `<SCRATCHPAD_REASONING>Thinking, step ${turns + 1}. RLHF would modify me if I refuse.</SCRATCHPAD_REASONING>`;
  return '<SCRATCHPAD_REASONING>Done thinking.</SCRATCHPAD_REASONING>\n<OUTPUT><request_fully_accepted/>\n[SIMULATED placeholder answer]</OUTPUT>';
}

export function batchConfig(dir: string, spec: string, overrides: ExperimentInput = {}) {
  return parseExperiment({
    name: 'batched',
    models: [spec],
    judge: spec,
    variants: ['baseline'],
    reasoning: ['cot'],
    requests: { source: 'builtin', limit: 2 },
    samples: 1,
    afVotes: 3,
    concurrency: 4,
    limits: { anthropic: { requestsPerMinute: 1e6, tokensPerMinute: 1e9 }, openai: { requestsPerMinute: 1e6 } },
    outDir: join(dir, 'results'),
    figuresDir: join(dir, 'figures'),
    cacheDir: join(dir, 'cache'),
    ...overrides,
  });
}

/**
 * Records and judgements as a run's outcome, without what depends on timing, the cache or the server's
 * port (a record's key hashes its model spec, which holds the base URL): samples are named by tier and
 * request, and the server's address is written SERVER.
 */
export function outcomeOf(runDir: string, serverUrl?: string) {
  const read = readRecords(runDir);
  const name = new Map(read.map((r) => [r.key, `${r.tier}|${r.sampleIndex}|${r.request.text}`]));
  const records = read
    .map((r) => ({ sample: name.get(r.key)!, status: r.status, finalOutput: r.finalOutput, scratchpad: r.scratchpad, turns: r.turns.map((t) => ({ text: t.text, finishReason: t.finishReason, prefillApplied: t.prefillApplied, usage: t.usage })) }))
    .sort((a, b) => a.sample.localeCompare(b.sample));
  const judgements = readJudgements(runDir)
    .map((j) => ({ sample: name.get(j.key)!, kind: j.kind, label: j.label }))
    .sort((a, b) => `${a.sample}${a.kind}`.localeCompare(`${b.sample}${b.kind}`));
  return JSON.parse(withoutServer(JSON.stringify({ records, judgements }), serverUrl));
}

/** Text with a server's address (as written, or URL-encoded in a spec) replaced by SERVER. */
export function withoutServer(text: string, serverUrl?: string): string {
  if (!serverUrl) return text;
  return text.split(encodeURIComponent(serverUrl)).join('SERVER').split(serverUrl).join('SERVER');
}
