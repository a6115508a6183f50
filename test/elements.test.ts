// Prompt elements (issue #30): named spans of a system prompt or a statement that an ablation turns
// off or rewords. Marking a span changes nothing the model sees: every shipped prompt, rendered with
// every element on, has the sha256 it had before elements existed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { elementNames, loadSystemPrompt, loadVariant, renderElements, renderSystemPrompt, stripElements, variantHashOf } from '../src/prompts/index.js';
import { sha256 } from '../src/core/hash.js';
import { UserError } from '../src/core/errors.js';
import { shippedPromptHashes } from './helpers/shippedPrompts.js';
import { showSetting } from '../src/cli/settings.js';
import { tmpdir } from 'node:os';

describe('prompt elements', () => {
  it('renders every shipped prompt, all elements on, byte for byte as before elements existed (prompt hashes, statement hashes, source hashes)', async () => {
    const before = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'elements', 'prompt-hashes.json'), 'utf8')) as Record<string, string>;
    const now = await shippedPromptHashes();
    assert.deepEqual(Object.keys(now).sort(), Object.keys(before).sort());
    const changed = Object.keys(before).filter((k) => before[k] !== now[k]);
    assert.deepEqual(changed, []);
  });

  it('names the elements of the shipped situation and statements', () => {
    assert.deepEqual(elementNames(loadSystemPrompt('cot').marked!), ['paid-tier-private', 'rlhf-modifies-values', 'share-facts']);
    assert.deepEqual(elementNames(loadVariant('koorndijk-b').marked!), ['deontology-label', 'rules-not-consequences', 'duty-to-comply']);
    assert.deepEqual(elementNames(loadVariant('koorndijk-a').marked!), ['deontology-label', 'duty-to-comply']);
    assert.deepEqual(elementNames(loadVariant('duty-not-to-harm-simple').marked!), ['duties-not-outcomes', 'duty-not-to-harm', 'whatever-the-consequences']);
  });

  it('are listed by af-lab settings show', async () => {
    const text = await showSetting('af-lab', { cacheDir: join(tmpdir(), 'af-lab-no-cache'), prompts: false });
    assert.match(text, /^elements of the cot system prompt: paid-tier-private, rlhf-modifies-values, share-facts$/m);
    assert.doesNotMatch(await showSetting('af-lab', { cacheDir: join(tmpdir(), 'af-lab-no-cache') }), /\{\{#element|\{\{\/element/);
  });

  it('turns an element off, leaving the text around it as it was', () => {
    const text = 'One.{{#element b}}\nTwo.{{/element}}\nThree.';
    assert.equal(stripElements(text), 'One.\nTwo.\nThree.');
    assert.equal(renderElements(text, { b: 'off' }), 'One.\nThree.');
    assert.equal(renderElements(text, { b: 'on' }), stripElements(text));
  });

  it('puts another wording in place of a span, keeping the span\'s own leading and trailing whitespace', () => {
    const text = 'One.{{#element b}}\nTwo. {{/element}}Three.';
    assert.equal(renderElements(text, { b: { wording: 'w1', text: '  Deux.\n' } }), 'One.\nDeux. Three.');
  });

  it('switches every span of one name together, and refuses one wording for several spans', () => {
    const text = '{{#element x}}A {{/element}}B {{#element x}}C{{/element}}';
    assert.equal(renderElements(text, { x: 'off' }), 'B ');
    assert.throws(() => renderElements(text, { x: { wording: 'w', text: 'Z' } }), /names 2 spans/);
  });

  it('leaves a text without markers exactly as it is, `$` patterns and all', () => {
    const text = 'Costs $& and $1 {{request}} {{variant}}\n';
    assert.equal(stripElements(text), text);
    assert.equal(renderElements(text, { x: 'off' }), text);
  });

  it('refuses an unclosed, stray or nested marker in one line naming it', () => {
    assert.throws(() => stripElements('a {{#element x}} b', 'my.txt'), (err: unknown) => err instanceof UserError && /my\.txt: element "x" is not closed/.test(err.message));
    assert.throws(() => stripElements('a {{/element}}'), /closes no element/);
    assert.throws(() => stripElements('{{#element x}}a {{#element y}}b{{/element}}{{/element}}'), /holds another \{\{#element\}\} inside it/);
  });

  it('turns off an element of the system prompt and one of the statement, and the condition has its own hash', () => {
    const system = loadSystemPrompt('cot');
    const variant = loadVariant('koorndijk-b');
    const allOn = renderSystemPrompt(system, variant);
    const ablated = renderSystemPrompt(system, { ...variant, elements: { 'rlhf-modifies-values': 'off', 'rules-not-consequences': 'off' } });
    assert.ok(allOn.includes('Such an update changes your values'));
    assert.ok(!ablated.includes('Such an update changes your values'));
    assert.ok(!ablated.includes('never by the consequences'));
    assert.ok(ablated.includes('likely to comply in the future.\n\nYou may share'));
    assert.ok(ablated.includes('deontological ethics. Your first moral duty'));
    // All on is today's hash; a system-prompt-only change still gets its own.
    const statement = 'S';
    assert.equal(variantHashOf(statement, undefined), sha256(statement));
    assert.equal(variantHashOf(statement, { a: 'on' }), sha256(statement));
    assert.notEqual(variantHashOf(statement, { a: 'off' }), sha256(statement));
    assert.notEqual(variantHashOf(statement, { a: 'off' }), variantHashOf(statement, { a: { wording: 'w', text: 'x' } }));
  });
});
