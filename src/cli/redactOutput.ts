// The terminal is written to like any file: every line af-lab prints goes through redactSecrets, so a
// key or a base URL's query value in a spec, an endpoint, a price table row or an error never shows.
import { redactSecrets } from '../core/secrets.js';

/** Mask secrets in everything this process writes to stdout and stderr from now on. */
export function redactTerminal(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? redactSecrets(chunk) : Buffer.isBuffer(chunk) ? redactSecrets(chunk.toString('utf8')) : chunk, ...rest)) as typeof stream.write;
  }
}
