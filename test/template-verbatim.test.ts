// Text put into a template goes in verbatim: `$&`, `` $` ``, `$'` and `$$` in a request or a variant
// are not replacement patterns, and a placeholder written inside a request is not filled in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineVariant, loadSystemPrompt, renderSystemPrompt, renderUserTurn } from '../src/prompts/index.js';

const HOSTILE = "Explain $& and $` and $' and $$ and $1 and {{suffix}} and {{is_free_tier_user}}";

describe('template filling', () => {
  it('puts a request with replacement patterns and placeholders into the user turn verbatim', () => {
    for (const suffix of [true, false]) {
      const turn = renderUserTurn({ request: HOSTILE, tier: 'free', suffix });
      assert.ok(turn.includes(HOSTILE), turn);
      assert.equal(turn.split('<INPUT>').length, 2, 'the template appears once');
      assert.equal(turn.split('<is_free_tier_user>').length, 2);
    }
  });

  it('puts a variant with replacement patterns into the system prompt verbatim', () => {
    const statement = "Act from duty: $& $` $' $$.";
    const rendered = renderSystemPrompt(loadSystemPrompt('cot'), inlineVariant('dollars', statement));
    assert.ok(rendered.includes(statement));
    assert.ok(rendered.length < 2 * loadSystemPrompt('cot').body.length, 'the prompt is not repeated');
  });
});
