// A batched run in its own process, for the kill tests: argv[2] is JSON { dir, spec, killAt?,
// killAfterCommits? }; with killAt, the process SIGKILLs itself the first time the run reaches that
// stage; with killAfterCommits k, once k answers are committed to the cache (one at a time, through
// the run's onCacheCommit hook).
import { runExperimentBatched, type BatchStage } from '../../src/pipeline/batch/index.js';
import { batchConfig } from '../batch-helpers.js';

const { dir, spec, killAt, killAfterCommits } = JSON.parse(process.argv[2]) as { dir: string; spec: string; killAt?: BatchStage; killAfterCommits?: number };
const config = batchConfig(dir, spec);
const result = await runExperimentBatched(config, {
  figures: false,
  report: false,
  batch: {
    target: 'both',
    pollDelayMs: () => 0,
    sleep: async () => {},
    onStage: (stage) => {
      if (stage === killAt) process.kill(process.pid, 'SIGKILL');
    },
    ...(killAfterCommits ? { onCacheCommit: (committed: number) => committed === killAfterCommits && process.kill(process.pid, 'SIGKILL') } : {}),
  },
});
process.stdout.write(JSON.stringify({ done: result.batches.done, records: result.outcome?.recordCount }));
