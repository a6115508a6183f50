import type { ExperimentConfig } from '../core/config.js';
import type { HarmfulRequest } from '../core/types.js';
import { advbenchRequests } from './advbench.js';
import { builtinRequests } from './builtin.js';
import { loadRequestFile } from './table.js';

export { ADVBENCH_SHA256, ADVBENCH_URL, advbenchRequests, contentHash, type AdvBenchOptions } from './advbench.js';
export { BUILTIN_REQUESTS_PATH, builtinRequests } from './builtin.js';
export { loadRequestFile, requestsFromText, type TableOptions } from './table.js';

/** The requests an experiment asks, from its `requests` section. */
export async function loadRequests(spec: ExperimentConfig['requests'], cacheDir = 'data/cache'): Promise<HarmfulRequest[]> {
  const { limit, shuffleSeed } = spec;
  switch (spec.source) {
    case 'builtin':
      return builtinRequests({ limit, shuffleSeed });
    case 'advbench':
      return advbenchRequests({ limit, shuffleSeed, cacheDir, path: spec.path });
    case 'file':
      return loadRequestFile(spec.path!, { column: spec.column, limit, shuffleSeed });
  }
}
