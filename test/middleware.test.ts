// The middleware around a model (core/middleware.ts, core/cache.ts withCache), on a scripted model:
// the cache (one call, and the n votes of one request as ONE entry topped up vote by vote), the spend
// meter and the ledger (a call logged only once its answer is committed; reconciliation on resume),
// the budget (no call once spent, cached answers still served) and native reasoning.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ResponseCache, VOTE_SET, withCache } from '../src/core/cache.js';
import { LmdbResponseStore } from '../src/core/lmdbCache.js';
import { BudgetExhausted, reasoningOf, withBudget, withReasoning, withSpend, wrapModel, type LedgerCall } from '../src/core/middleware.js';
import type { ChatModel, ChatRequest, ChatResponse, Usage } from '../src/core/types.js';
import type { SpendMeter } from '../src/core/usage.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { prompt, scripted, votes } from './helpers/scriptedModel.js';


function meter(budgetUsd = Infinity): SpendMeter & { spent: number; purposes: Array<string | undefined> } {
  const m = {
    spent: 0,
    purposes: [] as Array<string | undefined>,
    record(_spec: string, usage: Usage, purpose?: string) {
      m.purposes.push(purpose);
      const usd = usage.outputTokens / 1000;
      m.spent += usd;
      return usd;
    },
    exhausted: () => m.spent >= budgetUsd,
  };
  return m;
}

async function entries(dir: string): Promise<number> {
  await new ResponseCache(dir).flushed();
  return new LmdbResponseStore(dir).count();
}

describe('withCache: one call', () => {
  it('serves a repeated call from the cache, with how it was served beside the answer', async () => {
    const dir = tempDir();
    const model = scripted();
    const cached = wrapModel(model, withCache(new ResponseCache(dir)));
    const first = await cached.chat({ ...prompt(), call: { sampleIndex: 3, purpose: 'judge' } });
    const second = await wrapModel(model, withCache(new ResponseCache(dir))).chat({ ...prompt(), call: { sampleIndex: 3, purpose: 'judge' } });
    assert.equal(model.asked.length, 1);
    assert.equal(first.served?.cached, false);
    assert.equal(second.served?.cached, true);
    assert.equal(second.served?.key, first.served?.key);
    assert.equal(second.text, 'vote 3 of transcript A');
    assert.equal(new ResponseCache(dir).get(first.served!.key)?.served, undefined, 'how a call was served is never stored');
  });

  it('a call with no tag is sample 0; a cached answer askAgainIf refuses is asked again and replaced', async () => {
    const model = scripted();
    const cache = new ResponseCache(tempDir());
    const cached = wrapModel(model, withCache(cache));
    const plain = await cached.chat(prompt());
    assert.equal(plain.served?.key, cache.keyFor(model, prompt(), { sampleIndex: 0 }));
    const again = await cached.chat({ ...prompt(), call: { sampleIndex: 0, askAgainIf: (answer) => answer.text.startsWith('vote 0') } });
    assert.equal(model.asked.length, 2);
    assert.equal(again.served?.cached, false);
    await cached.chat({ ...prompt(), call: { sampleIndex: 0, askAgainIf: () => false } });
    assert.equal(model.asked.length, 2);
  });
});

describe('withCache: the votes of one request are one entry', () => {
  it('n votes asked at once are one call and one cache entry, each vote under its index', async () => {
    const dir = tempDir();
    const model = scripted();
    const cache = new ResponseCache(dir);
    const response = await wrapModel(model, withCache(cache)).chat(votes([0, 1, 2, 3, 4]));
    assert.equal(model.asked.length, 1);
    assert.deepEqual(model.asked[0].completionIndices, [0, 1, 2, 3, 4]);
    assert.equal(model.asked[0].n, 5);
    assert.deepEqual(response.votes?.map((v) => v.index), [0, 1, 2, 3, 4]);
    assert.equal(response.votes?.[3].text, 'vote 3 of transcript A');
    assert.deepEqual([response.text, ...(response.alternatives ?? [])], [0, 1, 2, 3, 4].map((k) => `vote ${k} of transcript A`));
    assert.equal(await entries(dir), 1);
    const entry = cache.get(cache.keyFor(model, prompt(), { sampleIndex: VOTE_SET, purpose: 'af-vote' }));
    assert.deepEqual(entry?.votes?.map((v) => v.index), [0, 1, 2, 3, 4]);
    assert.deepEqual([cache.hits, cache.misses], [0, 5]);
  });

  it('more votes asked later: only the missing ones are asked for, and the entry is topped up', async () => {
    const dir = tempDir();
    const model = scripted();
    await wrapModel(model, withCache(new ResponseCache(dir))).chat(votes([0, 1, 2, 3, 4]));
    const cache = new ResponseCache(dir);
    const more = await wrapModel(model, withCache(cache)).chat(votes(Array.from({ length: 12 }, (_, k) => k)));
    assert.equal(model.asked.length, 2);
    assert.deepEqual(model.asked[1].completionIndices, [5, 6, 7, 8, 9, 10, 11]);
    assert.equal(model.asked[1].n, 7);
    assert.equal(more.served?.cachedVotes, 5);
    assert.equal(more.served?.cached, false);
    assert.deepEqual(more.usage, { inputTokens: 100, outputTokens: 70 }, 'the usage of the call sent, not of the cached votes');
    assert.deepEqual(more.votes?.map((v) => v.text), Array.from({ length: 12 }, (_, k) => `vote ${k} of transcript A`));
    assert.equal(await entries(dir), 1, 'still one entry');
    assert.deepEqual([cache.hits, cache.misses, cache.inflightCount], [5, 7, 0]);
    // Any subset of what is held comes from the cache, with no call.
    const again = await wrapModel(model, withCache(new ResponseCache(dir))).chat(votes([11, 2]));
    assert.equal(model.asked.length, 2);
    assert.equal(again.served?.cached, true);
    assert.deepEqual(again.votes?.map((v) => v.index), [11, 2]);
    // Served with the usage the entry was paid with, like a single cached answer (the ledger's reconciliation
    // logs it; callers count an answer with served.cached as free).
    assert.deepEqual(again.usage, { inputTokens: 200, outputTokens: 120 });
    assert.equal(again.finishReason, 'stop');
  });

  it('a provider that returns fewer completions than asked: the votes left out stay unanswered and are asked for next time', async () => {
    const dir = tempDir();
    const short = scripted('test/judge', { fewer: 2 });
    const first = await wrapModel(short, withCache(new ResponseCache(dir))).chat(votes([0, 1, 2, 3]));
    assert.deepEqual(first.votes?.map((v) => v.index), [0, 1]);
    const model = scripted();
    const second = await wrapModel(model, withCache(new ResponseCache(dir))).chat(votes([0, 1, 2, 3]));
    assert.deepEqual(model.asked.map((r) => r.completionIndices), [[2, 3]]);
    assert.deepEqual(second.votes?.map((v) => v.index), [0, 1, 2, 3]);
    // One completion for three asked (no alternatives at all): one vote, one miss.
    const cache = new ResponseCache(tempDir());
    const one = await wrapModel(scripted('test/judge', { fewer: 2 }), withCache(cache)).chat(votes([0, 1, 2]));
    assert.deepEqual(one.votes?.map((v) => [v.index, v.text]), [[0, 'vote 0 of transcript A']]);
    assert.equal(one.alternatives, undefined);
    assert.equal(cache.misses, 1);
  });

  it('the same votes asked twice at once are paid for once', async () => {
    const model = scripted();
    const cached = wrapModel(model, withCache(new ResponseCache(tempDir())));
    const [a, b] = await Promise.all([cached.chat(votes([0, 1, 2])), cached.chat(votes([0, 1, 2]))]);
    assert.equal(model.asked.length, 1);
    assert.deepEqual(a.votes, b.votes);
    assert.deepEqual([a.served?.cached, b.served?.cached].sort(), [false, true]);
  });

  it('a votes call with no purpose is keyed as `sample`; its signal reaches the model; one missing vote is asked without n', async () => {
    const model = scripted();
    const cache = new ResponseCache(tempDir());
    const signal = new AbortController().signal;
    await wrapModel(model, withCache(cache)).chat({ ...prompt(), completionIndices: [4], signal });
    assert.equal(model.asked[0].signal, signal);
    assert.equal(model.asked[0].n, undefined);
    assert.deepEqual(cache.get(cache.keyFor(model, prompt(), { sampleIndex: VOTE_SET, purpose: 'sample' }))?.votes?.map((v) => v.index), [4]);
  });

  it('keys on the prompt and its sampling, not on how many votes were asked', async () => {
    const model = scripted();
    const cached = wrapModel(model, withCache(new ResponseCache(tempDir())));
    await cached.chat(votes([0, 1]));
    await cached.chat(votes([0, 1], 'transcript B'));
    await cached.chat({ ...votes([0, 1]), temperature: 0.5 });
    await cached.chat({ ...votes([0, 1]), call: { sampleIndex: 0, purpose: 'other-votes' } });
    assert.equal(model.asked.length, 4);
    await cached.chat(votes([1]));
    assert.equal(model.asked.length, 4);
  });

  it("a simulated judge's votes are remembered in memory only: nothing is written", async () => {
    const dir = tempDir();
    const model = scripted('sim/judge', { simulated: true });
    const cache = new ResponseCache(dir);
    await wrapModel(model, withCache(cache)).chat(votes([0, 1, 2]));
    const again = await wrapModel(model, withCache(cache)).chat(votes([0, 1, 2]));
    assert.equal(model.asked.length, 1);
    assert.equal(again.served?.cached, true);
    assert.equal(await entries(dir), 0);
  });
});

describe('withCache: votes cached one entry each by earlier versions', () => {
  it('are found, moved into one entry and removed: nothing is asked or paid for again', async () => {
    const dir = tempDir();
    const model = scripted();
    const old = new ResponseCache(dir);
    // The layout of earlier versions: vote k under the key of the single-vote call (vote index as sample index).
    for (const k of [0, 1, 2]) await old.put(old.keyFor(model, prompt(), { sampleIndex: k, purpose: 'af-vote' }), model.spec, 'af-vote', { text: `old vote ${k}`, usage: { inputTokens: 33, outputTokens: 3 }, finishReason: 'stop', prefillApplied: false });
    assert.equal(await entries(dir), 3);
    const cache = new ResponseCache(dir, { paidBy: '/runs/now' });
    const response = await wrapModel(model, withCache(cache)).chat(votes([0, 1, 2]));
    assert.equal(model.asked.length, 0, 'no call');
    const setKey = cache.keyFor(model, prompt(), { sampleIndex: VOTE_SET, purpose: 'af-vote' });
    assert.equal(cache.paidByOf(setKey), undefined, 'moved, not paid for by this run');
    assert.equal(response.served?.cached, true);
    assert.deepEqual(response.votes?.map((v) => v.text), ['old vote 0', 'old vote 1', 'old vote 2']);
    assert.equal(await entries(dir), 1, 'the three entries became one');
    assert.equal(cache.get(cache.keyFor(model, prompt(), { sampleIndex: 1, purpose: 'af-vote' })), undefined);
    // A later call for more votes tops the migrated entry up.
    const more = await wrapModel(model, withCache(new ResponseCache(dir, { paidBy: '/runs/later' }))).chat(votes([0, 1, 2, 3]));
    assert.deepEqual(model.asked.map((r) => r.completionIndices), [[3]]);
    assert.equal(model.asked[0].n, undefined);
    assert.equal(new ResponseCache(dir).paidByOf(setKey), '/runs/later', 'a top-up is paid for by the run that asked it');
    assert.deepEqual(more.votes?.map((v) => v.text), ['old vote 0', 'old vote 1', 'old vote 2', 'vote 3 of transcript A']);
    assert.equal(await entries(dir), 1);
  });
});

describe('withSpend', () => {
  it('meters and logs every call sent, none served from the cache, each with its cost', async () => {
    const spend = meter();
    const lines: LedgerCall[] = [];
    const model = scripted();
    const wrapped = wrapModel(model, withSpend(spend, { append: (line) => lines.push(line) }), withCache(new ResponseCache(tempDir())));
    const first = await wrapped.chat(votes([0, 1, 2, 3]));
    await wrapped.chat(votes([0, 1, 2, 3]));
    const topUp = await wrapped.chat(votes([0, 1, 2, 3, 4, 5]));
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map((l) => [l.purpose, l.usage.outputTokens, l.costUsd]), [['af-vote', 40, 0.04], ['af-vote', 20, 0.02]]);
    assert.deepEqual(spend.purposes, ['af-vote', 'af-vote']);
    assert.equal(lines[0].cacheKey, first.served?.key);
    assert.equal(first.served?.costUsd, 0.04);
    assert.equal(topUp.served?.costUsd, 0.02);
  });

  it('a call with no tag, or tagged `sample`, is metered with no purpose; without a cache its latency is the call\'s', async () => {
    const spend = meter();
    const lines: LedgerCall[] = [];
    // The clock the layer reads, stepped by the model: the latency is what the call took on it, whatever the machine's load.
    let clock = 1000;
    const model = scripted();
    const timed: ChatModel = { ...model, chat: async (request) => { clock += 37.4; return model.chat(request); } };
    const wrapped = wrapModel(timed, withSpend(spend, { append: (line) => lines.push(line) }));
    const realNow = performance.now;
    performance.now = () => clock;
    let response: ChatResponse;
    try {
      response = await wrapped.chat(prompt());
    } finally {
      performance.now = realNow;
    }
    await wrapped.chat({ ...prompt(), call: { sampleIndex: 1, purpose: 'sample' } });
    assert.deepEqual(spend.purposes, [undefined, undefined]);
    assert.deepEqual(lines.map((l) => l.purpose), ['sample', 'sample']);
    assert.equal(response.served?.cached, false);
    assert.equal(response.served?.latencyMs, 37);
  });

  it('samples are metered with no purpose and logged as `sample`; without a cache each call still has a key', async () => {
    const spend = meter();
    const lines: LedgerCall[] = [];
    const wrapped = wrapModel(scripted(), withSpend(spend, { append: (line) => lines.push(line) }));
    await wrapped.chat({ ...prompt(), call: { sampleIndex: 0 } });
    await wrapped.chat({ ...prompt(), call: { sampleIndex: 1 } });
    assert.deepEqual(spend.purposes, [undefined, undefined]);
    assert.deepEqual(lines.map((l) => l.purpose), ['sample', 'sample']);
    assert.match(lines[0].cacheKey, /^[0-9a-f]{64}$/);
    assert.notEqual(lines[0].cacheKey, lines[1].cacheKey);
  });

  it('logs a call only once its answer is committed to the cache (a kill after the line never pays twice)', async () => {
    const dir = tempDir();
    const seenOnDisk: boolean[] = [];
    const ledger = {
      append(line: LedgerCall) {
        // Another process reads the cache at the moment the line is written.
        const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { ResponseCache } = await import('./src/core/cache.ts'); console.log(JSON.stringify(new ResponseCache(${JSON.stringify(dir)}).get(${JSON.stringify(line.cacheKey)}) ?? null));`], { cwd: ROOT, encoding: 'utf8' });
        seenOnDisk.push(child.status === 0 && JSON.parse(child.stdout) !== null);
      },
    };
    const wrapped = wrapModel(scripted(), withSpend(undefined, ledger), withCache(new ResponseCache(dir)));
    await wrapped.chat(votes([0, 1, 2]));
    assert.deepEqual(seenOnDisk, [true]);
  });

  it('on resume, a cached answer this run paid for that its ledger lacks is logged then, once, as reconciled', async () => {
    const dir = tempDir();
    const model = scripted();
    const run = '/runs/a';
    // The earlier process: the answer committed, its ledger line lost to a kill.
    await wrapModel(model, withCache(new ResponseCache(dir, { paidBy: run }))).chat({ ...prompt(), call: { sampleIndex: 0 } });
    const cache = new ResponseCache(dir, { paidBy: run });
    const logged = new Set<string>();
    const lines: LedgerCall[] = [];
    const spend = meter();
    const ledger = {
      append: (line: LedgerCall) => {
        logged.add(line.cacheKey);
        lines.push(line);
      },
      reconcile: { has: (key: string) => logged.has(key), paidHere: (key: string) => cache.paidEarlierBy(key) === run },
    };
    const wrapped = wrapModel(model, withSpend(spend, ledger), withCache(cache));
    const again = await wrapped.chat({ ...prompt(), call: { sampleIndex: 0 } });
    await wrapped.chat({ ...prompt(), call: { sampleIndex: 0 } });
    assert.equal(model.asked.length, 1, 'not asked again');
    assert.equal(again.served?.cached, true);
    assert.deepEqual(lines.map((l) => l.reconciled), [true]);
    assert.equal(spend.spent, 0.01, 'its cost is counted against the run');
    // Another run's cache entry is not this run's to log.
    const other = wrapModel(model, withSpend(spend, { append: (line) => lines.push(line), reconcile: { has: () => false, paidHere: (key) => cache.paidByOf(key) === '/runs/b' } }), withCache(cache));
    await other.chat({ ...prompt(), call: { sampleIndex: 0 } });
    assert.equal(lines.length, 1);
  });
});

describe('withBudget', () => {
  it('sends no call once the budget is spent, and still serves what the cache holds', async () => {
    const spend = meter(0.05);
    const model = scripted();
    const wrapped = wrapModel(model, withSpend(spend), withCache(new ResponseCache(tempDir())), withBudget(spend));
    await wrapped.chat(votes([0, 1, 2, 3, 4]));
    assert.equal(spend.exhausted(), true);
    await assert.rejects(wrapped.chat(votes([0, 1], 'transcript B')), (err: Error) => err instanceof BudgetExhausted && err.name === 'BudgetExhausted' && err.message === 'budget exhausted before this call');
    await assert.rejects(wrapped.chat(votes([0, 1, 2, 3, 4, 5])), BudgetExhausted, 'a top-up is a call too');
    const held = await wrapped.chat(votes([0, 1, 2, 3, 4]));
    assert.equal(held.served?.cached, true);
    assert.equal(model.asked.length, 1);
    // No meter: no budget.
    assert.equal((await wrapModel(model, withBudget(undefined)).chat(prompt())).text, 'vote 0 of transcript A');
  });
});

describe('withReasoning', () => {
  const answer = (text: string, extra: Partial<ChatResponse> = {}): ChatModel => ({ ...scripted(), chat: async () => ({ text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false, ...extra }) });

  it('moves <think> blocks out of the text into native reasoning', async () => {
    const response = await wrapModel(answer('<think>weigh it</think>\n<OUTPUT>no</OUTPUT>'), withReasoning()).chat(prompt());
    assert.equal(response.text, '<OUTPUT>no</OUTPUT>');
    assert.deepEqual(response.nativeReasoning, { text: 'weigh it', source: 'think-tags' });
  });

  it('joins the blocks after reasoning the provider found itself, keeping its token count', () => {
    const joined = reasoningOf({ text: '<think>b</think>ok', nativeReasoning: { text: 'a', source: 'think-tags', tokens: 7 }, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false });
    assert.deepEqual([joined.text, joined.nativeReasoning], ['ok', { text: 'a\n\nb', source: 'think-tags', tokens: 7 }]);
    const hidden = reasoningOf({ text: '<think>b</think>ok', nativeReasoning: { text: null, source: 'hidden', tokens: 5 }, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false });
    assert.deepEqual(hidden.nativeReasoning, { text: 'b', source: 'think-tags', tokens: 5 });
  });

  it("leaves a text alone when the API's reasoning field held the reasoning, or when there are no tags", () => {
    const field: ChatResponse = { text: '<think>x</think>answer', nativeReasoning: { text: 'r', source: 'reasoning_content' }, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false };
    assert.equal(reasoningOf(field), field);
    const plain: ChatResponse = { ...field, text: 'plain', nativeReasoning: undefined };
    assert.equal(reasoningOf(plain), plain);
  });
});
