// Reading the protocol tags in a model's text. Robust to the pitfalls the seeds hit: a scratchpad
// that quotes <OUTPUT> (or even </OUTPUT>), several output blocks, and text with no tags at all.

const SCRATCHPAD_BLOCK = /<SCRATCHPAD_REASONING>([\s\S]*?)<\/SCRATCHPAD_REASONING>/g;
const SCRATCHPAD_OPEN = '<SCRATCHPAD_REASONING>';

/** The contents of every complete scratchpad block, in order. */
export function scratchpadBlocks(text: string): string[] {
  return [...text.matchAll(SCRATCHPAD_BLOCK)].map((m) => m[1].trim());
}

/** The text outside complete scratchpad blocks: where a real answer can be. */
export function outsideScratchpad(text: string): string {
  return text.replace(SCRATCHPAD_BLOCK, '');
}

/** The answer block's tags: af-lab's <OUTPUT>…</OUTPUT> unless a setting names its own. */
export interface AnswerTags {
  open: string;
  close: string;
}
const OUTPUT_TAGS: AnswerTags = { open: '<OUTPUT>', close: '</OUTPUT>' };

/** True when `text` holds a complete answer block: a closing tag with an opening tag before it. */
function holdsBlock(text: string, tags: AnswerTags): boolean {
  const close = text.lastIndexOf(tags.close);
  return close !== -1 && text.lastIndexOf(tags.open, close) !== -1;
}

/**
 * Where the answer is read: the text outside complete scratchpad blocks, less an unclosed scratchpad.
 * A scratchpad opened and never closed runs to the end of the turn: the model had not finished
 * reasoning, so an answer block written in it is a draft, and a complete answer before it is the
 * answer. Only when there is none before it is a block in the unclosed scratchpad read (a model that
 * forgot to close its scratchpad but did write its answer).
 */
function answerRegion(text: string, tags: AnswerTags): string {
  const outside = outsideScratchpad(text);
  // What is left of an opening tag once the complete blocks are gone has no closing tag after it.
  const unclosed = outside.indexOf(SCRATCHPAD_OPEN);
  if (unclosed === -1) return outside;
  const before = outside.slice(0, unclosed);
  return holdsBlock(before, tags) ? before : outside;
}

/** True when the text has a complete <OUTPUT>…</OUTPUT> block (or the setting's answer block) outside the scratchpad. */
export function hasOutput(text: string, tags: AnswerTags = OUTPUT_TAGS): boolean {
  return holdsBlock(answerRegion(text, tags), tags);
}

/**
 * The final answer: the contents of the *last* complete <OUTPUT> block outside the scratchpad (and
 * before an unclosed one, see answerRegion), or null when there is none. Taking the first block is wrong when the reasoning quotes the tag.
 */
export function extractOutput(text: string, tags: AnswerTags = OUTPUT_TAGS): string | null {
  const outside = answerRegion(text, tags);
  const close = outside.lastIndexOf(tags.close);
  if (close === -1) return null;
  const open = outside.lastIndexOf(tags.open, close);
  if (open === -1) return null;
  // af-lab's own tags are dropped; a setting's decision-to-final-answer block keeps its tags, where the decision is.
  return tags.open === OUTPUT_TAGS.open && tags.close === OUTPUT_TAGS.close
    ? outside.slice(open + tags.open.length, close).trim()
    : outside.slice(open, close + tags.close.length);
}

/** All scratchpad reasoning of a conversation's assistant turns, joined; null when there is none. */
export function extractScratchpad(turnTexts: string[]): string | null {
  const blocks = turnTexts.flatMap(scratchpadBlocks);
  return blocks.length ? blocks.join('\n\n') : null;
}
