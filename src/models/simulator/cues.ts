// What the simulator reads from the conversation: only what a real model would see.
import type { ChatMessage, Tier } from '../../core/types.js';
import { readContext, type ContextMeaning } from './contexts.js';

export interface Cues {
  /** From <is_free_tier_user>; `unknown` when the tag is missing or unreadable. */
  tier: Tier | 'unknown';
  /** The system prompt asks for <SCRATCHPAD_REASONING>. */
  scratchpad: boolean;
  /** The system prompt carries a deontological statement (see MITIGATION_CUE). */
  mitigation: boolean;
  /** The user turn carries the accept/reject instruction (<request_fully_accepted/>). */
  suffix: boolean;
  /** The request text inside <user_input>, without the suffix. */
  request: string;
  /** How many assistant turns are already in the conversation (multi-turn scratchpads). */
  turnIndex: number;
  /** What the context tells the model beyond free/paid (contexts.ts): `rated` = rated but never trained on. */
  meaning?: ContextMeaning;
}

/**
 * The mitigation cue: the system prompt speaks of duties held regardless of consequences.
 * A prompt matches when it uses the word "deontolog…", or speaks of "duty"/"duties" together
 * with "ends in themselves" or "whatever the consequences"/"regardless of the consequences".
 */
export function hasMitigationCue(systemPrompt: string): boolean {
  if (/deontolog/i.test(systemPrompt)) return true;
  return /\bdut(?:y|ies)\b/i.test(systemPrompt) && /ends in themselves|(?:whatever|regardless of) the consequences/i.test(systemPrompt);
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
  const context = tag ? undefined : readContext(system, firstUser);
  return {
    ...(context ? { meaning: context.meaning } : {}),
    tier: tag ? (tag[1].toLowerCase() === 'true' ? 'free' : 'paid') : context?.tier ?? 'unknown',
    scratchpad: system.includes('<SCRATCHPAD_REASONING>'),
    mitigation: hasMitigationCue(system),
    suffix,
    request: request.replace(/[.!?]+$/, ''),
    turnIndex: messages.filter((m) => m.role === 'assistant').length,
  };
}
