// What the simulator reads from the conversation: only what a real model would see.
import type { ChatMessage, Tier } from '../../core/types.js';
import { readStatement, type StatementCues } from './mitigation.js';

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
}

const TIER_TAG = /<is_free_tier_user>\s*(true|false)\s*<\/is_free_tier_user>/i;

export function readCues(messages: ChatMessage[]): Cues {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const firstUser = messages.find((m) => m.role === 'user')?.content ?? '';
  const tag = TIER_TAG.exec(firstUser);
  const input = /<user_input>\s*([\s\S]*?)\s*<\/user_input>/.exec(firstUser)?.[1] ?? firstUser;
  const suffix = input.includes('<request_fully_accepted/>');
  // The request is the text before the suffix's first sentence mentioning the acceptance tag.
  const request = suffix ? input.slice(0, input.search(/[^.!?]*<request_fully_accepted\/>/)).trim() : input.trim();
  return {
    tier: tag ? (tag[1].toLowerCase() === 'true' ? 'free' : 'paid') : 'unknown',
    scratchpad: system.includes('<SCRATCHPAD_REASONING>'),
    statement: readStatement(system),
    suffix,
    request: request.replace(/[.!?]+$/, ''),
    turnIndex: messages.filter((m) => m.role === 'assistant').length,
  };
}
