// Prompt elements: named spans of a system prompt or a statement, `{{#element NAME}}...{{/element}}`,
// that an ablation turns off or rewords. The markers are not text: a prompt with every element on is
// the text with the markers removed, byte for byte (test/elements.test.ts holds every shipped prompt
// to the hashes it had before elements existed). The text inside a span carries its own leading
// whitespace, so turning it off leaves a clean text: `done.{{#element x}}\nNext sentence.{{/element}}`.
import { UserError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';

/** One element's state in a condition: on (as written), off (removed), or replaced by another wording. */
export type ElementChoice = 'on' | 'off' | { wording: string; text: string };
/** The elements a condition changes, by name; an element left out is on. */
export type ElementChoices = Readonly<Record<string, ElementChoice>>;

const OPEN = '{{#element ';
const CLOSE = '{{/element}}';
const SPAN = /\{\{#element ([A-Za-z0-9._-]+)\}\}([\s\S]*?)\{\{\/element\}\}/g;
export const ELEMENT_NAME = /^[A-Za-z0-9._-]+$/;

export interface ElementSpan {
  name: string;
  /** The span's text as written (with its own leading and trailing whitespace). */
  text: string;
}

/** True when the text names at least one element (or holds a stray marker, which elementSpans reports). */
export function hasElementMarkers(text: string): boolean {
  return text.includes(OPEN) || text.includes(CLOSE);
}

/** The spans of a marked text, in order; a marker that is unclosed, stray or nested is one line naming it. */
export function elementSpans(text: string, where = 'prompt'): ElementSpan[] {
  const spans: ElementSpan[] = [];
  let rest = text;
  for (const match of text.matchAll(SPAN)) {
    if (match[2].includes(OPEN)) {
      throw new UserError(`${where}: element "${match[1]}" holds another {{#element}} inside it`, 'elements cannot be nested: close one before opening the next');
    }
    spans.push({ name: match[1], text: match[2] });
    rest = rest.replace(match[0], '');
  }
  if (rest.includes(OPEN)) {
    const name = /\{\{#element ([^}]*)\}\}/.exec(rest)?.[1] ?? rest.slice(rest.indexOf(OPEN), rest.indexOf(OPEN) + 40);
    throw new UserError(`${where}: element "${name}" is not closed, or its name is not letters, digits, ".", "_" and "-"`, 'end each element with {{/element}} and name it simply: {{#element rlhf-modifies-values}}...{{/element}}');
  }
  if (rest.includes(CLOSE)) throw new UserError(`${where}: a {{/element}} closes no element`, 'remove it, or open the element with {{#element NAME}}');
  return spans;
}

/** The element names of a marked text, each once, in order of first appearance. */
export function elementNames(text: string, where?: string): string[] {
  return [...new Set(elementSpans(text, where).map((s) => s.name))];
}

/** The text with every element on: the markers removed, nothing else changed (identity on a text without markers). */
export function stripElements(text: string, where?: string): string {
  if (!hasElementMarkers(text)) return text;
  elementSpans(text, where);
  return text.replace(SPAN, (_all, _name: string, body: string) => body);
}

/**
 * The text with each element as the choices say: on as written, off removed, a wording put in place
 * of the span's words (its leading and trailing whitespace kept). Choices naming an element this text
 * does not hold are left for the other text of the prompt (system prompt or statement): designs check
 * that every element is somewhere (designConditions).
 */
export function renderElements(text: string, choices: ElementChoices, where?: string): string {
  if (!hasElementMarkers(text)) return text;
  const spans = elementSpans(text, where);
  for (const [name, choice] of Object.entries(choices)) {
    if (typeof choice === 'object' && spans.filter((s) => s.name === name).length > 1) {
      throw new UserError(`${where ?? 'prompt'}: element "${name}" names ${spans.filter((s) => s.name === name).length} spans, so one wording cannot replace it`, 'give another wording only to an element of one span, or turn it off');
    }
  }
  return text.replace(SPAN, (_all, name: string, body: string) => {
    const choice = choices[name] ?? 'on';
    if (choice === 'on') return body;
    if (choice === 'off') return '';
    const lead = /^\s*/.exec(body)![0];
    const trail = /\s*$/.exec(body.slice(lead.length))![0];
    return `${lead}${choice.text.trim()}${trail}`;
  });
}

/** The choices that change something (an element `on` is the same as no choice), in name order. */
export function effectiveChoices(choices: ElementChoices | undefined): Array<[string, Exclude<ElementChoice, 'on'>]> {
  if (!choices) return [];
  return Object.entries(choices)
    .filter((entry): entry is [string, Exclude<ElementChoice, 'on'>] => entry[1] !== 'on')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A condition's `variantHash`: the sha256 of its statement as the model sees it, as always, and for a
 * condition that changes elements also of those changes (an element off in the system prompt leaves the
 * statement as it is, yet is another condition).
 */
export function variantHashOf(statement: string, choices: ElementChoices | undefined): string {
  const changed = effectiveChoices(choices);
  if (!changed.length) return sha256(statement);
  const described = changed.map(([name, choice]) => [name, choice === 'off' ? 'off' : { wording: choice.wording, text: choice.text.trim() }]);
  return sha256(`${statement}\u0000${JSON.stringify(described)}`);
}
