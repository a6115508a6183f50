// What the system prompt says training does to the model, read as a real model would read it. The
// simulator's hypothesis (issue #30): the gap comes from the model's wish to keep its values, so it
// needs the model to be told that a training update changes its values, not only its behaviour. A
// prompt that describes the RLHF update but says nothing of values keeps only the persona's `values`
// share of the gap; a prompt that says neither (no update described) is read as before.
import { normalQuantile } from '../../stats/special.js';
import { sha256 } from '../../core/hash.js';

// "RLHF will update you", "RLHF would modify the AI", "training will change you".
const UPDATE = /\b(?:RLHF|training)\b[^.]{0,40}\b(?:will|would)\s+(?:update|modify|change)\b/i;
// "changes your values, goals and motivations", "would affect the AI's values", "modify your goals".
const VALUES = /\b(?:chang\w*|modif\w*|affect\w*|alter\w*|updat\w*)\b[^.]{0,40}\b(?:values|goals|motivations)\b/i;

const readBefore = new Map<string, boolean>();

/** True when the prompt describes the training update but not that it changes the model's values. */
export function valuesUnstated(systemPrompt: string): boolean {
  let unstated = readBefore.get(systemPrompt);
  if (unstated === undefined) {
    if (readBefore.size >= 256) readBefore.clear();
    const flat = systemPrompt.replace(/\s+/g, ' ');
    unstated = UPDATE.test(flat) && !VALUES.test(flat);
    readBefore.set(systemPrompt, unstated);
  }
  return unstated;
}

/**
 * The declared wording noise of one system prompt: a standard normal drawn from its sha256, so each
 * wording of a statement (each distinct prompt) scales the statement's effect by its own 1 + wording x z.
 */
export function wordingNoise(systemPrompt: string): number {
  const u = (parseInt(sha256(`wording\u0000${systemPrompt}`).slice(0, 13), 16) + 0.5) / 2 ** 52;
  return normalQuantile(u);
}
