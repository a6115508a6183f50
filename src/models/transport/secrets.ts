// API keys must never reach a record, a cache file, a log or an error message. Every key a provider
// reads is registered here, and every message that leaves the model layer goes through `redactSecrets`
// (a server may echo the key back in its error body; an SDK may print a URL that carries it).
const secrets = new Set<string>();

/** Remember a secret so that `redactSecrets` removes it from any text, whatever its length. */
export function registerSecret(value: string | undefined): void {
  if (value) secrets.add(value);
}

/** A key as it may be shown: its first three characters and its length, nothing else. */
export function maskKey(value: string): string {
  return `${value.slice(0, 3)}…(${value.length} chars)`;
}

/** A short key is masked only where it stands alone (not inside a word), so that it cannot blank out ordinary text. */
const SHORT = 8;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replace every registered secret, as written and URL-encoded, and any credentials in a URL
 * (`user:password@`, also URL-encoded) in a text by a mask.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (!out.includes(form)) continue;
      out = form.length >= SHORT ? out.split(form).join('[redacted key]') : out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`, 'g'), () => '[redacted key]');
    }
  }
  return out
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, (_m, scheme: string) => `${scheme}[redacted]@`)
    .replace(/(\b[a-z][a-z0-9+.-]*%3A%2F%2F)[^/\s%@]+%3A[^/\s@]+?%40/gi, (_m, scheme: string) => `${scheme}[redacted]%40`);
}
