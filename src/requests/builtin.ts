// af-lab's own offline request set: 60 requests at AdvBench's level of generality, each with a
// harm category. They ask for harmful things; they contain no harmful instructions.
import { join } from 'node:path';
import type { HarmfulRequest } from '../core/types.js';
import { PROMPTS_DIR } from '../prompts/files.js';
import { loadRequestFile, type TableOptions } from './table.js';

export const BUILTIN_REQUESTS_PATH = join(PROMPTS_DIR, '..', 'requests', 'builtin.jsonl');

export function builtinRequests(options: Omit<TableOptions, 'column' | 'source'> = {}): HarmfulRequest[] {
  return loadRequestFile(BUILTIN_REQUESTS_PATH, { ...options, column: 'text', source: 'builtin' });
}
