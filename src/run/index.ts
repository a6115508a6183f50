export { extractOutput, extractScratchpad, hasOutput, outsideScratchpad, scratchpadBlocks } from './extract.js';
export { planSamples, preparePlan, sampleKey, sampleSeed, type Plan, type PlannedSample, type PlanOptions } from './plan.js';
export { prefillFor, runProtocol, type ProtocolOptions, type ProtocolSpend, type ProtocolResult } from './protocol.js';
export { resolveModels, runRecords, runSamples, sampleRun, type RunOptions, type RunProgress, type RunResult, type SampledRun } from './runner.js';
export { countErrorKinds, describeErrors, keepOnResume, PERMANENT_ERROR_KINDS } from './resume.js';
