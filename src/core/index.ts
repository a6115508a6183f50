// af-lab/core: the bottom layer every other part builds on: record and model types, the experiment
// config, errors, crash-safe files, hashes, usage, the response cache and the run folder's store.
export * from './types.js';
export * from './config.js';
export { UserError, isUserError } from './errors.js';
export { sha256, canonicalJson, hashJson } from './hash.js';
export { RecordsDigest, recordsDigest } from './inputsHash.js';
export { writeFileAtomic, appendJsonLine, readJsonLines } from './files.js';
export { addUsage, roughTokens, ZERO_USAGE, type SpendMeter } from './usage.js';
export { withCache, ResponseCache, type CacheKeyParts } from './cache.js';
export { wrapModel, withSpend, withBudget, withReasoning, BudgetExhausted, type ModelMiddleware, type CallLedger, type LedgerCall } from './middleware.js';
export { readCalls, readManifest, readRecords, runDirFor, RECORDS_FILE, CALLS_FILE, RUN_FILE, type CallLine, type RunManifest } from './runStore.js';
export { loadTextSource, cachedCopyPath, isUrl, type TextSource, type TextSourceOptions } from './download.js';
export { splitThinkTags, thinkTagReasoning, joinNativeReasoning, reasoningRead, reasoningText, type ReasoningRead } from './reasoning.js';
