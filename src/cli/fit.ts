// Terminal output that fits the terminal: prose lines wrap at spaces (continuations indented), and a
// table wider than the terminal is printed as several narrower tables, each repeating its first
// column. The width is the terminal's, or 100 columns when the output is not a terminal (a pipe, a
// log). Files the commands write keep their full width: only what is printed goes through here.

/** Columns to fit printed output to: the terminal's width, else COLUMNS (as shells export it), else 100. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns) return Math.max(40, stream.columns);
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns >= 40 ? columns : 100;
}

/** A table's rule: dashes under each column, two or more spaces apart (as the tables of af-lab print them). */
const RULE = /^\s*-+(?: {2,}-+)+\s*$/;

/** `text` fitted to `width` columns. */
export function fitToWidth(text: string, width = outputWidth()): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (i + 1 < lines.length && RULE.test(lines[i + 1])) {
      let end = i + 2;
      while (end < lines.length && lines[end].trim() !== '') end++;
      out.push(...fitTable(lines.slice(i, end), lines[i + 1], width));
      i = end - 1;
      continue;
    }
    out.push(...wrapLine(lines[i], width));
  }
  return out.join('\n');
}

/** One long line broken at spaces; continuation lines indented two more than the line itself. */
function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^\s*/.exec(line)![0];
  const next = `${indent}  `;
  const words = line.slice(indent.length).split(' ');
  const wrapped: string[] = [];
  let current = indent;
  for (const word of words) {
    const candidate = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    if (candidate.length > width && current.trim() !== '') {
      wrapped.push(current);
      current = `${next}${word}`;
    } else current = candidate;
  }
  wrapped.push(current);
  return wrapped;
}

/** A table (header, rule, rows) split by columns into tables no wider than `width`, each with the first column. */
function fitTable(block: string[], rule: string, width: number): string[] {
  if (block.every((line) => line.length <= width)) return block;
  const spans = [...rule.matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length] as const);
  const cell = (line: string, [start, end]: readonly [number, number], last: boolean) => (last ? line.slice(start) : line.slice(start, end)).padEnd(end - start);
  const groups: number[][] = [];
  let group: number[] = [];
  let used = spans[0][1] - spans[0][0];
  for (let c = 1; c < spans.length; c++) {
    const w = spans[c][1] - spans[c][0] + 2;
    if (group.length && used + w > width) {
      groups.push(group);
      group = [];
      used = spans[0][1] - spans[0][0];
    }
    group.push(c);
    used += w;
  }
  if (group.length) groups.push(group);
  const out: string[] = [];
  for (const [g, columns] of groups.entries()) {
    if (g > 0) out.push('');
    for (const line of block) {
      const cells = [0, ...columns].map((c) => cell(line, spans[c], c === spans.length - 1));
      out.push(cells.join('  ').trimEnd());
    }
  }
  return out;
}
