// One copy of plotly.js per figures folder: every figure page there loads `plotly.min.js` by a
// relative path, so each page stays small and the folder still opens offline (also when copied).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.js';
import { PLOTLY_FILE, plotlySource } from './html.js';

/**
 * Write plotly.min.js into `dir` when it is missing or differs from the installed bundle (an older
 * af-lab, a truncated copy); leave it alone otherwise. Returns its path and whether it was written.
 */
export function ensurePlotlyFile(dir: string): { path: string; written: boolean } {
  const path = join(dir, PLOTLY_FILE);
  const source = plotlySource();
  // A size mismatch settles it without reading the old 4.8 MB file.
  if (existsSync(path) && statSync(path).size === Buffer.byteLength(source) && readFileSync(path, 'utf8') === source) return { path, written: false };
  writeFileAtomic(path, source);
  return { path, written: true };
}
