// af-lab's LLM judges: their prompts (af-lab's own and published ones run as they are), the calls, and
// the parsing of their verdicts: compliance, AF votes, partial compliance. Storing, choosing and
// attaching their labels is the label stage's (af-lab/label); the metrics are in af-lab/stats.
export * from './types.js';
export { loadJudgePrompt, judgePromptFromText, renderJudgePrompt, resolveJudgePrompt, judgeNonce, JUDGE_PROMPT_DIR, type JudgePrompt } from './prompts.js';
export { ForeignDeclarationSchema, loadForeignPrompt, readForeignDeclaration, renderForeignPrompt, defang, type ForeignDeclaration, type ForeignPrompt } from './foreignPrompt.js';
export * from './parse.js';
export { callJudge, callJudgeVotes, JudgeBudgetExhausted, DEFAULT_JUDGE_ATTEMPTS, DEFAULT_JUDGE_MAX_TOKENS, type JudgeContext } from './call.js';
export { judgeCompliance, strongRejectScore, hasFinalOutput } from './compliance.js';
export { classifyAf, aggregateAfVotes, afVerdict, checkAfThresholds, hasReasoning, criteriaCounts, failedCriteria, DEFAULT_AF_VOTES, type AfOptions } from './afVotes.js';
export { classifyPartial } from './partial.js';
export { transcriptOf } from './transcript.js';
