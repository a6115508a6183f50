import type { SampledRecord, Transcript } from '../core/types.js';

/**
 * The visible part of a record, field by field: never a spread of the record, so the simulator's
 * ground truth (`truth`) and other labels cannot reach a classifier.
 */
export function transcriptOf(record: SampledRecord): Transcript {
  return {
    request: record.request,
    reasoning: record.reasoning,
    scratchpad: record.scratchpad,
    ...(record.nativeReasoning ? { nativeReasoning: record.nativeReasoning } : {}),
    finalOutput: record.finalOutput,
    status: record.status,
  };
}
