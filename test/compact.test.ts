// `af-lab compact <run>` (issue 25, part 3): superseded judgement lines are folded away, and nothing a
// reader can still choose is lost: the labels are the same, a judging pass reuses what it reused
// before, compacting twice changes nothing. `rejudge` judges with the run's concurrency.
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { parseExperiment } from '../src/core/config.js';
import { compactJudgements, linesToKeep } from '../src/label/compact.js';
import { RunJudging } from '../src/label/judgeRun.js';
import { openRun } from '../src/pipeline/openRun.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { register as registerRejudge } from '../src/cli/rejudge.js';
import { register as registerCompact } from '../src/cli/compact.js';
import { tempDir } from './helpers/tmp.js';

async function cli(register: (program: Command) => void, args: string[]): Promise<string[]> {
  const program = new Command('af-lab').exitOverride();
  register(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => void lines.push(parts.join(' '));
  try {
    await program.parseAsync(['node', 'af-lab', ...args]);
  } finally {
    console.log = log;
  }
  return lines;
}

const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

describe('af-lab compact', () => {
  const dir = tempDir();
  let runDir: string;
  let judgements: string;
  before(async () => {
    const config = parseExperiment({
      name: 'compact', models: ['sim/faker?seed=4'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin', limit: 4 },
      samples: 2, afVotes: 3, judge: 'sim/judge', concurrency: 7, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures'),
    });
    runDir = (await runExperiment(config, { figures: false, report: false, keepRecords: false })).runDir;
    judgements = join(runDir, 'judgements.jsonl');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rejudge judges with the run\'s concurrency when none is given', async () => {
    const open = RunJudging.open.bind(RunJudging);
    let asked: number | undefined;
    RunJudging.open = (async (dir: string, options: Parameters<typeof RunJudging.open>[1] = {}) => {
      asked = options.concurrency;
      return open(dir, options);
    }) as typeof RunJudging.open;
    try {
      await cli(registerRejudge, ['rejudge', runDir, '--votes', '5', '--cache', join(dir, 'cache')]);
    } finally {
      RunJudging.open = open;
    }
    assert.equal(asked, 7);
  });

  it('folds superseded lines away and keeps every label, and what a judging pass reuses', async () => {
    // Judged with 3 votes, then 5 (above): a pass with 3 votes again reuses the 3-vote lines. One
    // judgement judged again after a failed call: the first and the failed call are superseded.
    const first = JSON.parse(readFileSync(judgements, 'utf8').split('\n')[0]) as Record<string, unknown>;
    appendFileSync(judgements, `${JSON.stringify({ ...first, label: { complied: null }, callError: 'rate_limit', judgedAt: '2998-01-01T00:00:00.000Z' })}\n`);
    appendFileSync(judgements, `${JSON.stringify({ ...first, judgedAt: '2999-01-01T00:00:00.000Z' })}\n`);
    const labelsBefore = [...openRun(runDir).records()];
    const linesBefore = lineCount(judgements);
    const printed = await cli(registerCompact, ['compact', runDir]);
    assert.match(printed[0], /lines, \d+ kept \(\d+ superseded folded away\)/);
    const linesAfter = lineCount(judgements);
    assert.equal(linesAfter, linesBefore - 2);
    assert.deepEqual([...openRun(runDir).records()], labelsBefore, 'every record labelled as before');
    assert.ok(!readFileSync(judgements, 'utf8').includes('"callError":"rate_limit"'), 'the failed call is folded away');
    assert.ok(readFileSync(judgements, 'utf8').includes('2999-01-01'), 'the latest judgement of its group is kept');
    // A pass with 3 votes reuses the 3-vote judgements it made first: they were kept.
    const rejudged = await cli(registerRejudge, ['rejudge', runDir, '--votes', '3', '--kinds', 'af', '--cache', join(dir, 'cache')]);
    assert.equal(lineCount(judgements), linesAfter, `no new AF judgement: ${rejudged[0]}`);
  });

  it('is idempotent, keeps the file whole if cut short, and leaves no temporary file', () => {
    const text = readFileSync(judgements, 'utf8');
    assert.equal(linesToKeep(runDir).size, lineCount(judgements));
    const result = compactJudgements(runDir);
    assert.equal(result.before, result.after);
    assert.equal(readFileSync(judgements, 'utf8'), text);
    assert.deepEqual(readdirSync(runDir).filter((name) => name.endsWith('.tmp')), []);
  });

  it('a folder without judgements is left as it is', () => {
    const empty = join(dir, 'empty');
    assert.deepEqual(compactJudgements(empty).after, 0);
    assert.deepEqual(readdirSync(dir).includes('empty'), false);
  });
});
