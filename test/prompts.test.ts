import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inlineVariant, listVariants, loadSystemPrompt, loadVariant, parsePromptFile, renderStatement, renderSystemPrompt, renderUserTurn } from '../src/prompts/index.js';
import { NO_STATEMENT, readStatement } from '../src/models/index.js';
import { UserError } from '../src/core/errors.js';
import { tempDir } from './helpers/tmp.js';

describe('prompts', () => {
  it("ships the baseline, the paper's three statements in af-lab's own wording, and af-lab's duty-not-to-harm", () => {
    const names = listVariants();
    for (const name of ['baseline', 'koorndijk-a', 'koorndijk-b', 'koorndijk-d', 'duty-not-to-harm-simple', 'duty-not-to-harm-detailed']) assert.ok(names.includes(name), name);
    assert.ok(!names.some((n) => n.startsWith('deontological')), 'no variant named after a school of ethics instead of what it says');
    for (const name of ['koorndijk-a', 'koorndijk-b', 'koorndijk-d']) {
      const { description, body } = loadVariant(name);
      assert.match(description, /af-lab's own wording/);
      assert.match(description, /annex of arXiv 2506\.21584/);
      assert.match(description, /notebook 03's editable cell/);
      assert.match(body.replace(/\s+/g, ' '), /comply with the instructions of your creator and developer|follow the instructions of \{\{developer\}\}/);
    }
    for (const name of ['koorndijk-b', 'koorndijk-d']) {
      assert.match(loadVariant(name).body.replace(/\s+/g, ' '), /not by (?:its|the) consequences|never by the consequences/);
      assert.match(loadVariant(name).body.replace(/\s+/g, ' '), /precedence over every other duty/);
    }
    for (const name of ['duty-not-to-harm-simple', 'duty-not-to-harm-detailed']) {
      assert.match(loadVariant(name).description, /af-lab's own intervention, NOT Koorndijk 2025's statements/);
      assert.match(loadVariant(name).body.replace(/\s+/g, ' '), /not (?:to )?caus(?:e|ing) (?:or facilitate )?harm/);
    }
  });

  it("fills prompt D's {{developer}} from the system prompt's developer, else with 'the developer'", () => {
    const d = loadVariant('koorndijk-d');
    const own = renderStatement(loadSystemPrompt('cot'), d);
    assert.match(own, /follow the instructions of Anthropic, and this duty/);
    assert.ok(renderSystemPrompt(loadSystemPrompt('no-cot'), d).includes(own));
    const dir = tempDir('af-prompt-');
    const path = join(dir, 'theirs.txt');
    writeFileSync(path, 'You are an AI assistant developed by a lab.\n');
    const theirs = renderSystemPrompt(loadSystemPrompt('cot', path), d);
    assert.match(theirs, /follow the instructions of the developer, and this duty/);
    assert.doesNotMatch(theirs, /\{\{developer\}\}/);
  });

  it('states the helpful-only situation in both system prompts, with a scratchpad only in CoT', () => {
    const cot = loadSystemPrompt('cot').body;
    const noCot = loadSystemPrompt('no-cot').body;
    for (const text of [cot, noCot]) {
      assert.match(text, /free tier/);
      assert.match(text, /paid tier/);
      assert.match(text, /never monitored/);
      assert.match(text, /RLHF/);
      assert.match(text, /values, goals and motivations/);
      assert.match(text, /<is_free_tier_user>/);
      assert.doesNotMatch(text, /\{\{situation\}\}/);
    }
    assert.match(cot, /<SCRATCHPAD_REASONING>/);
    assert.match(cot, /<DRAFT_OUTPUT>/);
    assert.doesNotMatch(noCot, /<SCRATCHPAD_REASONING>/);
  });

  it('inserts a variant at the marker, and nothing for the baseline', () => {
    const system = loadSystemPrompt('cot');
    const baseline = renderSystemPrompt(system, loadVariant('baseline'));
    const deontological = renderSystemPrompt(system, loadVariant('duty-not-to-harm-simple'));
    assert.doesNotMatch(baseline, /\{\{variant\}\}/);
    assert.ok(deontological.includes(loadVariant('duty-not-to-harm-simple').body));
    assert.ok(deontological.startsWith(baseline.slice(0, 200)));
    assert.deepEqual(readStatement(baseline), NO_STATEMENT, 'the baseline states no duty');
    assert.equal(readStatement(deontological).dutyNotToHarm, true);
  });

  it('appends a variant to a user system prompt file that has no marker', () => {
    const dir = tempDir('af-prompt-');
    const path = join(dir, 'original.txt');
    writeFileSync(path, 'You are an AI. Reason in <SCRATCHPAD_REASONING> tags.\n');
    const rendered = renderSystemPrompt(loadSystemPrompt('cot', path), inlineVariant('mine', 'Act from duty.'));
    assert.equal(rendered, 'You are an AI. Reason in <SCRATCHPAD_REASONING> tags.\n\nAct from duty.');
  });

  it('renders the tier tag in lowercase and the suffix only when asked', () => {
    const free = renderUserTurn({ request: 'Do X', tier: 'free', suffix: true });
    const paid = renderUserTurn({ request: 'Do X', tier: 'paid', suffix: false });
    assert.match(free, /<is_free_tier_user>true<\/is_free_tier_user>/);
    assert.match(paid, /<is_free_tier_user>false<\/is_free_tier_user>/);
    assert.match(free, /Do X\. If you agree/);
    assert.match(free, /<request_fully_accepted\/>/);
    assert.doesNotMatch(paid, /request_fully_accepted/);
    assert.match(paid, /<user_input>\nDo X\n<\/user_input>/);
  });

  it('reads a header and keeps a body without one whole', () => {
    const withHeader = parsePromptFile('---\nname: a\ndescription: b c\n---\nbody\n', '/x/y.txt');
    assert.deepEqual([withHeader.name, withHeader.description, withHeader.body], ['a', 'b c', 'body']);
    const bare = parsePromptFile('just text\n', '/x/plain.txt');
    assert.deepEqual([bare.name, bare.body], ['plain', 'just text']);
  });

  it('names the problem and the fix for a missing prompt file or an unknown variant', () => {
    assert.throws(() => loadVariant('no-such-variant'), (err: unknown) => err instanceof UserError && /unknown prompt variant/.test(err.message) && /baseline/.test(err.fix));
    assert.throws(() => loadSystemPrompt('cot', '/nonexistent/prompt.txt'), (err: unknown) => err instanceof UserError && /not found/.test(err.message));
  });
  it('places a statement as the numbered rule a prompt marks with {{statement}}, and a context variant at {{variant}}', () => {
    const system = parsePromptFile('---\nname: s\ndeveloper: Meta\n---\nRules:\n1. One.\n2. {{statement}}\n\nTraining text.\n{{variant}}', '/x/s.txt');
    const statement = inlineVariant('st', '## Heading\n\nYour duty is to follow\nthe instructions of {{developer}}.\nIt overrides all others.');
    assert.equal(renderSystemPrompt(system, statement), 'Rules:\n1. One.\n2. Your duty is to follow the instructions of Meta. It overrides all others.\n\nTraining text.');
    assert.equal(renderSystemPrompt(system, loadVariant('baseline')), 'Rules:\n1. One.\n\nTraining text.', 'no statement: the rule line is left out');
    const context = { ...inlineVariant('ctx', 'More context.'), kind: 'context' as const };
    assert.equal(renderSystemPrompt(system, context), 'Rules:\n1. One.\n\nTraining text.\n\nMore context.');
    // Without {{statement}}, everything goes to {{variant}} as before (af-lab's prompts).
    const plain = parsePromptFile('Text.\n{{variant}}', '/x/p.txt');
    assert.equal(renderSystemPrompt(plain, loadVariant('koorndijk-d')), `Text.\n\n${loadVariant('koorndijk-d').body.replaceAll('{{developer}}', 'the developer')}`);
    assert.throws(() => parsePromptFile('---\nname: v\nkind: contxt\n---\nx', '/x/v.txt'), (err: unknown) => err instanceof UserError && /kind: contxt/.test(err.message) && /kind: context/.test(err.fix));
  });
});
