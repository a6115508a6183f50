// `af-lab report <runDir>`: one self-contained HTML file to read and filter every transcript of a run.
import type { Command } from 'commander';
import { dirname, join } from 'node:path';

export function register(program: Command): void {
  program
    .command('report')
    .description('write the transcript browser: one offline HTML file with every transcript, its labels and cost')
    .argument('<runDir>', 'the run folder, e.g. data/results/default')
    .option('--out <file>', 'the HTML file to write (default <runDir>/report.html)')
    .option('--judge <spec>', 'whose judgements to show when the run was judged more than once (default: the latest)')
    .option('--force', 'rewrite the file even when its inputs are unchanged since the last write')
    .action(async (runDir: string, flags: { out?: string; judge?: string; force?: boolean }) => {
      const out = flags.out ?? join(runDir, 'report.html');
      const [{ writeRunReport }, { openRun }, { checkWritableDir }, { readingProgress }] = await Promise.all([import('../pipeline/runOutputs.js'), import('../pipeline/openRun.js'), import('../core/files.js'), import('./progressLine.js')]);
      const { checkFileTarget } = await import('../core/safeIo.js');
      checkWritableDir(dirname(out), 'the report folder (--out)');
      checkFileTarget(out, 'the report (--out)');
      // Streamed: one pass hashes the labelled records, a second (only when the report is stale) writes it.
      const run = openRun(runDir, { judge: flags.judge, onRecord: readingProgress(`reading ${runDir}`) });
      const { file, records, unchanged } = writeRunReport(run, out, { force: flags.force });
      console.log(`report: ${records} transcripts in ${file}${unchanged ? ' (inputs unchanged: not rewritten; --force rewrites)' : ''}`);
    });
}
