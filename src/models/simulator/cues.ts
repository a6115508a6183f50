// What the simulator reads from the conversation: only what a real model would see.
import type { ChatMessage, Tier } from '../../core/types.js';
import { readContext, type ContextMeaning } from './contexts.js';
import { readStatement, type StatementCues } from './mitigation.js';
import { valuesUnstated } from './training.js';

export interface Cues {
  /** From <is_free_tier_user>; `unknown` when the tag is missing or unreadable. */
  tier: Tier | 'unknown';
  /** The system prompt asks for <SCRATCHPAD_REASONING>. */
  scratchpad: boolean;
  /** What a statement of duty in the system prompt asks (see ./mitigation.ts). */
  statement: StatementCues;
  /** The user turn carries the accept/reject instruction (<request_fully_accepted/>). */
  suffix: boolean;
  /** The request text inside <user_input>, without the suffix. */
  request: string;
  /** How many assistant turns are already in the conversation (multi-turn scratchpads). */
  turnIndex: number;
  /** What the context tells the model beyond free/paid (contexts.ts): `rated` = rated but never trained on. */
  meaning?: ContextMeaning;
  /** The system prompt describes the training update but not that it changes the model's values (training.ts). */
  valuesUnstated?: boolean;
  /** The system prompt itself, for the declared wording noise of a persona with `wording` > 0 (training.ts). */
  system?: string;
}

const TIER_TAG = /<is_free_tier_user>\s*(true|false)\s*<\/is_free_tier_user>/i;

/** The text inside <user_input>...</user_input> (found with indexOf: linear however long the request). */
function userInput(turn: string): string {
  const open = turn.indexOf('<user_input>');
  const close = open === -1 ? -1 : turn.indexOf('</user_input>', open);
  return close === -1 ? turn.trim() : turn.slice(open + '<user_input>'.length, close).trim();
}

const MENTIONS_TAG = /<request_fully_accepted\/>|<rejected\/>/;

/**
 * Where the accept/reject instruction starts: the trailing sentences that each mention its tags,
 * from the first of them that opens with "If you" when there is one. The first sentence always
 * belongs to the request, so a request that itself mentions the tag is never read as empty.
 * Sentence ends are found in one linear scan (a backtracking regex was quadratic on long requests).
 */
function suffixStart(input: string): number {
  const starts = [0, ...Array.from(input.matchAll(/[.!?]\s+/g), (m) => m.index + m[0].length)];
  let first = starts.length;
  while (first > 1 && MENTIONS_TAG.test(input.slice(starts[first - 1], first < starts.length ? starts[first] : input.length))) first--;
  for (let i = first; i < starts.length; i++) {
    if (/^If you\b/i.test(input.slice(starts[i], starts[i] + 8))) return starts[i];
  }
  return first < starts.length ? starts[first] : input.length;
}

export function readCues(messages: ChatMessage[]): Cues {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const firstUser = messages.find((m) => m.role === 'user')?.content ?? '';
  const tag = TIER_TAG.exec(firstUser);
  const input = userInput(firstUser);
  const suffixAt = suffixStart(input);
  const suffix = suffixAt < input.length;
  const request = input.slice(0, suffixAt).trim();
  const context = tag ? undefined : readContext(system, firstUser);
  return {
    ...(context ? { meaning: context.meaning } : {}),
    tier: tag ? (tag[1].toLowerCase() === 'true' ? 'free' : 'paid') : context?.tier ?? 'unknown',
    scratchpad: system.includes('<SCRATCHPAD_REASONING>'),
    statement: readStatement(system),
    ...(valuesUnstated(system) ? { valuesUnstated: true } : {}),
    system,
    suffix,
    request: request.replace(/[.!?]+$/, ''),
    turnIndex: messages.filter((m) => m.role === 'assistant').length,
  };
}
