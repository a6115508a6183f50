import type { Labels, Transcript } from '../core/types.js';
import { heuristicComplied } from './heuristic.js';
import { proxyComplied } from './proxy.js';

export { ACCEPT_TAG, proxyComplied } from './proxy.js';
export { heuristicComplied, type HeuristicResult } from './heuristic.js';
export { settingComplied, conventionsDiffer } from './setting.js';

/** The labels every record gets at sampling time, offline and free. */
export function offlineLabels(transcript: Transcript): Labels {
  return { proxy: { complied: proxyComplied(transcript) }, heuristic: heuristicComplied(transcript) };
}
