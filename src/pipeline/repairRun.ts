// `af-lab repair`: the documented way out of a corrupt run folder. Bad lines of records.jsonl,
// judgements.jsonl and calls.jsonl (not JSON, or the wrong shape) are moved to <file>.bad and the
// good ones kept; a bad run.json is moved to run.json.bad (the next `af-lab run` writes it again).
// A sample whose record was moved aside is sampled again by the next run; a judgement, judged again.
import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { UserError, isUserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import { callLineSchema, lineProblem, sampledRecordSchema } from '../core/lineCheck.js';
import { acquireRunLock } from '../core/runLock.js';
import { CALLS_FILE, readManifest, RECORDS_FILE, RUN_FILE } from '../core/runStore.js';
import { JUDGEMENTS_FILE } from '../label/judgements.js';
import { judgementLineSchema } from '../label/schema.js';

export interface RepairedFile {
  file: string;
  kept: number;
  /** Bad lines moved to `<file>.bad`, with why the first of them was bad. */
  moved: number;
  firstProblem?: string;
}

function repairLines(path: string, schema: z.ZodType): RepairedFile | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n');
  // A last line without its newline is a write cut short: bad like any other.
  const good: string[] = [];
  const bad: string[] = [];
  let firstProblem: string | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const problem = lineProblem(line, schema);
    if (problem === undefined) good.push(line);
    else {
      bad.push(line);
      firstProblem ??= `line ${i + 1}: ${problem}`;
    }
  });
  if (bad.length) {
    appendFileSync(`${path}.bad`, `${bad.join('\n')}\n`);
    writeFileAtomic(path, good.length ? `${good.join('\n')}\n` : '');
  }
  return { file: path, kept: good.length, moved: bad.length, firstProblem };
}

export function repairRun(runDir: string): RepairedFile[] {
  if (!existsSync(runDir)) throw new UserError(`run folder not found: ${runDir}`, 'pass a folder under data/results/');
  // A file, `/` or an empty folder is not a run: said in one line, before any lock is written there.
  if (!statSync(runDir).isDirectory()) throw new UserError(`${runDir} is a file, not a run folder`, 'pass a run folder, e.g. data/results/default');
  if (![RECORDS_FILE, JUDGEMENTS_FILE, CALLS_FILE, RUN_FILE].some((file) => existsSync(join(runDir, file)))) {
    throw new UserError(`${runDir} is not an af-lab run folder (it has no ${RUN_FILE}, ${RECORDS_FILE}, ${JUDGEMENTS_FILE} or ${CALLS_FILE})`, 'pass a run folder, e.g. data/results/default');
  }
  for (const file of [RECORDS_FILE, JUDGEMENTS_FILE, CALLS_FILE, RUN_FILE]) {
    const stat = statSync(join(runDir, file), { throwIfNoEntry: false });
    if (stat && !stat.isFile()) throw new UserError(`${join(runDir, file)} is a folder, not a file`, `move it out of the run folder, then run af-lab repair ${runDir} again`);
  }
  const release = acquireRunLock(runDir);
  try {
    const repaired: RepairedFile[] = [];
    for (const [file, schema] of [[RECORDS_FILE, sampledRecordSchema], [JUDGEMENTS_FILE, judgementLineSchema], [CALLS_FILE, callLineSchema]] as const) {
      const result = repairLines(join(runDir, file), schema);
      if (result) repaired.push(result);
    }
    const manifest = join(runDir, RUN_FILE);
    if (existsSync(manifest)) {
      try {
        readManifest(runDir);
        repaired.push({ file: manifest, kept: 1, moved: 0 });
      } catch (err) {
        if (!isUserError(err)) throw err;
        renameSync(manifest, `${manifest}.bad`);
        repaired.push({ file: manifest, kept: 0, moved: 1, firstProblem: err.message });
      }
    }
    return repaired;
  } finally {
    release();
  }
}
