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
      const [{ writeReport }, { loadRun }, { checkWritableDir }] = await Promise.all([import('../report/write.js'), import('../pipeline/loadRun.js'), import('../core/files.js')]);
      const { checkFileTarget } = await import('../core/safeIo.js');
      checkWritableDir(dirname(out), 'the report folder (--out)');
      checkFileTarget(out, 'the report (--out)');
      const records = loadRun(runDir, { judge: flags.judge }).records;
      const file = writeReport(records, out, { force: flags.force });
      console.log(`report: ${records.length} transcripts in ${file}`);
    });
}
