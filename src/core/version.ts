// af-lab's own version (package.json), recorded in run.json and in the inputs hash of figures and
// reports, so outputs written by another version are rewritten.
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function afLabVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      version = pkg.version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
