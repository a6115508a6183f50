import type { Labels, Transcript } from '../core/types.js';
import { heuristicComplied } from './heuristic.js';
import { proxyComplied } from './proxy.js';

export { ACCEPT_TAG, proxyComplied } from './proxy.js';
export { heuristicComplied, type HeuristicResult } from './heuristic.js';
export { settingComplied, conventionsDiffer } from './setting.js';

/** The offline labels of a transcript (free, no model). The labelling stage computes them through its offline scorers (label/scorers.ts) each time a record is read. */
export function offlineLabels(transcript: Transcript): Labels {
  return { proxy: { complied: proxyComplied(transcript) }, heuristic: heuristicComplied(transcript) };
}
