// The line each stored judgement writes to <runDir>/judgements.jsonl: an LLM judge's label or a user
// scorer's score, for one record key × scorer × judge × prompt hash (or user scorer identity).
import type { ScoreLabel } from '../core/types.js';
import type { AnyJudgeLabel, JudgeOutcome } from '../judge/types.js';

/** One line of <runDir>/judgements.jsonl: one record key × scorer × judge × prompt hash, with the outcome. */
export interface Judgement extends JudgeOutcome<AnyJudgeLabel | ScoreLabel> {
  schema: 1;
  key: string;
  /** The scorer's name: `compliance` (older runs: `judge`, read as `compliance`), `af`, `partial`, or a user scorer's. */
  kind: string;
  /** The judge model's spec; for a user scorer, `user:<name>` (its file's path is in `detail.file`, a code scorer's version in `detail.version`). */
  judge: string;
  /** The judge prompt's hash; for a user scorer, its identity (its file and imports', or a code scorer's version and text: label/userScorer.ts). */
  promptHash: string;
  /** True when the judge is af-lab's simulator: its labels test the pipeline, they measure nothing. */
  simulated: boolean;
  judgedAt: string;
}
