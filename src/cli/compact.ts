// `af-lab compact <runDir>`: fold superseded judgement lines away (label/compact.ts), so that reading
// a run judged many times costs what its current judgements cost.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.js';

export function register(program: Command): void {
  program
    .command('compact')
    .description('fold superseded lines of judgements.jsonl away (atomic: a kill leaves the old file whole; run it again to finish)')
    .argument('<runDir>', 'the run folder, e.g. data/results/default')
    .action(async (runDir: string) => {
      if (!existsSync(runDir)) throw new UserError(`run folder not found: ${runDir}`, 'pass a folder under data/results/ (af-lab run writes them)');
      const [{ compactJudgements }, { acquireRunLock }, { removeStaleTmpFiles }] = await Promise.all([import('../label/compact.js'), import('../core/runLock.js'), import('../core/files.js')]);
      // One writer per run folder: a run still sampling or judging is refused here.
      const release = acquireRunLock(runDir);
      try {
        removeStaleTmpFiles(runDir);
        const { file, before, after, bytesBefore, bytesAfter } = compactJudgements(runDir);
        const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
        console.log(`${file}: ${before} lines, ${after} kept (${before - after} superseded folded away); ${mb(bytesBefore)} -> ${mb(bytesAfter)}`);
      } finally {
        release();
      }
    });
}
