// af-lab's label stage: a registry of scorers (offline: proxy, heuristic, setting; LLM judges:
// compliance, af, partial; a user's own, from a file or in code), the judging pass that stores what the judges and
// user scorers said (judgements.jsonl), the choice of which judgement labels a record, the labelling of
// records, human labels and the classifiers' agreement with them.
export { ScorerRegistry, scoredRecordOf, type Score, type ScoredRecord, type Scorer, type ScorerContext, type ScorerSource } from './scorer.js';
export { BUILTIN_SCORERS, scorerRegistry, proxyScorer, heuristicScorer, settingScorer, complianceScorer, afScorer, partialScorer, offlineLabelsOf, applyJudgement } from './scorers.js';
export { loadScorer, codeScorer, userScorers, userScoreLabel, type CodeScorerDefinition, type UserScorer, type UserScorerDefinition } from './userScorer.js';
export type { Judgement } from './types.js';
export { judgementLineSchema, currentNames, SCORER_NAME } from './schema.js';
export { JUDGEMENTS_FILE, judgementsPath, readJudgements, judgementLines, judgementEntries, appendJudgement, judgedBefore, latestJudge, listJudges } from './judgements.js';
export { judgeForKinds, latestJudgeByKind, selectJudgements, selectInto, type RecordJudgements, type SelectOptions } from './select.js';
export { labelRecords, attachSelected, labelRecord, type AttachOptions } from './labelRecord.js';
export { replayTurns, settingVerdict, settingLabel, settingAnswer, type SettingVerdict } from './settingVerdict.js';
export { JudgementIndex, type JudgementIndexOptions } from './judgementIndex.js';
export { judgeRun, RunJudging, DEFAULT_JUDGE, type JudgeRunOptions, type JudgeRunResult } from './judgeRun.js';
export { compactJudgements, type CompactResult } from './compact.js';
export * from './accuracy.js';
export * from './humanLabels.js';
export { formatJudgeRun, formatAgreement } from './report.js';
export { afValidation, aurocByVotes, votedRecords, type AfValidation, type AurocByVotesOptions, type VoteCountPoint, type VotedRecord } from './validation.js';
