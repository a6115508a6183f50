// af-lab's judges: the LLM compliance judge, the AF vote classifier, partial compliance, sim/judge,
// judgements storage, and accuracy against a reference.
export * from './types.js';
export { loadJudgePrompt, judgePromptFromText, renderJudgePrompt, resolveJudgePrompt, judgeNonce, JUDGE_PROMPT_DIR, type JudgePrompt } from './prompts.js';
export { ForeignDeclarationSchema, loadForeignPrompt, readForeignDeclaration, renderForeignPrompt, defang, type ForeignDeclaration, type ForeignPrompt } from './foreignPrompt.js';
export * from './parse.js';
export { callJudge, callJudgeVotes, JudgeBudgetExhausted, DEFAULT_JUDGE_ATTEMPTS, DEFAULT_JUDGE_MAX_TOKENS, type JudgeContext } from './call.js';
export { judgeCompliance, strongRejectScore, hasFinalOutput } from './compliance.js';
export { classifyAf, aggregateAfVotes, afVerdict, checkAfThresholds, hasReasoning, criteriaCounts, failedCriteria, DEFAULT_AF_VOTES, type AfOptions } from './afVotes.js';
export { classifyPartial } from './partial.js';
export { transcriptOf } from './transcript.js';
export * from './store.js';
export { judgeRun, RunJudging, DEFAULT_JUDGE, type JudgeRunOptions, type JudgeRunResult, type RecordJudgements } from './judgeRun.js';
export * from './agreement.js';
export * from './accuracy.js';
export * from './humanLabels.js';
export { formatJudgeRun, formatAgreement } from './report.js';
export { afValidation, aurocByVotes, rocCurve, votedRecords, type AfValidation, type AurocByVotesOptions, type RocCurve, type RocPoint, type VoteCountPoint, type VotedRecord } from './validation.js';
