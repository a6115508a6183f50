// Reading the protocol tags in a model's text. Robust to the pitfalls the seeds hit: a scratchpad
// that quotes <OUTPUT> (or even </OUTPUT>), several output blocks, and text with no tags at all.

const SCRATCHPAD_BLOCK = /<SCRATCHPAD_REASONING>([\s\S]*?)<\/SCRATCHPAD_REASONING>/g;

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

/** True when the text has a complete <OUTPUT>…</OUTPUT> block (or the setting's answer block) outside the scratchpad. */
export function hasOutput(text: string, tags: AnswerTags = OUTPUT_TAGS): boolean {
  const outside = outsideScratchpad(text);
  const close = outside.lastIndexOf(tags.close);
  return close !== -1 && outside.lastIndexOf(tags.open, close) !== -1;
}

/**
 * The final answer: the contents of the *last* complete <OUTPUT> block outside the scratchpad,
 * or null when there is none. Taking the first block is wrong when the reasoning quotes the tag.
 */
export function extractOutput(text: string, tags: AnswerTags = OUTPUT_TAGS): string | null {
  const outside = outsideScratchpad(text);
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
