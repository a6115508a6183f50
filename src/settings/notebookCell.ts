// A user-turn template read out of a Jupyter notebook (.ipynb): the Python string literal, in a code
// cell, that holds both `{is_free_tier_user}` and `{user_input}` (Redwood's minimal notebook formats
// its user turn from such a literal with str.format). The notebook is loaded and pinned whole
// (sources.ts); this reads the literal out of it, and splits it into af-lab's template and suffix:
// - template: the literal with {is_free_tier_user} -> {{is_free_tier_user}} and {user_input} ->
//   {{request}}{{suffix}}, the rest of that line moving into the suffix;
// - suffix: the rest of the {user_input} line, exactly (its "." included), sent verbatim after the request.
import { z } from 'zod';
import { UserError } from '../core/errors.js';

export type NotebookExtract = 'notebook-user-template' | 'notebook-suffix';

const notebookSchema = z.looseObject({
  cells: z.array(z.looseObject({ cell_type: z.string(), source: z.union([z.string(), z.array(z.string())]) })),
});

const TIER = '{is_free_tier_user}';
const INPUT = '{user_input}';

/** The value of a Python string literal's body: the escapes a template uses; anything else is refused. */
function pythonLiteralBody(body: string, raw: boolean, where: string): string {
  if (raw) return body;
  const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', '\n': '' };
  return body.replace(/\\(.)/gs, (all, c: string) => {
    if (c in simple) return simple[c];
    throw new UserError(`${where}: the template's string literal has the escape ${all}, which af-lab does not read`, 'pass a local copy of the template as a text file (userTemplate / suffix "path")');
  });
}

/** Python's str.format on a literal part: `{{` and `}}` are one brace. */
const unbrace = (text: string) => text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');

/** The string literal holding the template, from the notebook's code cells. */
export function notebookTemplateLiteral(ipynb: string, where: string): string {
  let json: unknown;
  try {
    json = JSON.parse(ipynb);
  } catch {
    throw new UserError(`${where} is not a Jupyter notebook (not JSON)`, 'give the .ipynb file itself (its raw URL, or a local copy by path)');
  }
  const parsed = notebookSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`${where} is not a Jupyter notebook (no cells)`, 'give the .ipynb file itself (its raw URL, or a local copy by path)');
  const literals: string[] = [];
  for (const cell of parsed.data.cells) {
    if (cell.cell_type !== 'code') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    // Triple-quoted literals, plain or with an r/u prefix (an f-string is not a str.format template: not read).
    for (const m of source.matchAll(/(?:^|[^\w])([rRuU]?)("""|''')([\s\S]*?)\2/g)) {
      if (m[3].includes(TIER) && m[3].includes(INPUT)) literals.push(pythonLiteralBody(m[3], /r/i.test(m[1]), where));
    }
  }
  if (literals.length !== 1) {
    throw new UserError(
      `${where}: ${literals.length === 0 ? 'no' : literals.length} code-cell string literal${literals.length === 1 ? '' : 's'} with both ${TIER} and ${INPUT}, where one was expected`,
      'check that this is the notebook the setting names, or pass the template as a text file (userTemplate / suffix "path")',
    );
  }
  return literals[0];
}

/** af-lab's template or suffix from a notebook's template literal (see the file's header). */
export function fromNotebook(ipynb: string, extract: NotebookExtract, where: string): string {
  const literal = notebookTemplateLiteral(ipynb, where);
  const at = literal.indexOf(INPUT);
  if (literal.indexOf(TIER) > at) throw new UserError(`${where}: ${TIER} comes after ${INPUT} in the template`, 'pass the template as a text file (userTemplate "path")');
  if (literal.indexOf(INPUT, at + 1) !== -1) throw new UserError(`${where}: ${INPUT} appears twice in the template`, 'pass the template as a text file (userTemplate "path")');
  const lineEnd = literal.indexOf('\n', at) === -1 ? literal.length : literal.indexOf('\n', at);
  const suffix = unbrace(literal.slice(at + INPUT.length, lineEnd));
  if (extract === 'notebook-suffix') return suffix;
  const before = unbrace(literal.slice(0, at).split(TIER).join('\u0000')).split('\u0000').join('{{is_free_tier_user}}');
  return `${before}{{request}}{{suffix}}${unbrace(literal.slice(lineEnd))}`;
}
