// API keys must never reach a record, a cache file, a log or an error message. Every key a provider
// reads is registered here, and every message that leaves the model layer goes through `redactSecrets`
// (a server may echo the key back in its error body; an SDK may print a URL that carries it). A base
// URL's credentials and query values (`?token=`, `?api_key=`, any parameter) are registered too, and
// every URL in a text that af-lab writes about its models keeps its parameter names, never its values.
const secrets = new Set<string>();

/** Remember a secret so that `redactSecrets` removes it from any text, whatever its length. */
export function registerSecret(value: string | undefined): void {
  if (value) secrets.add(value);
}

/**
 * Values shorter than this in a URL's query (`?v=1`) or userinfo are not registered: they are masked
 * inside URLs only, never in answers or error text, where masking `?v=1`'s "1" or `?token=abc`'s "abc"
 * would change ordinary words and numbers. A credential that short is guessable anyway: a base URL that
 * carries one under a credential's name gets a one-line warning (shortCredentialWarning).
 */
export const URL_SECRET_MIN = 8;

/** Query parameter names that hold credentials (`token`, `api_key`, `X-Api-Key`, `access_token`, `sig`, ...). */
const CREDENTIAL_NAME = /key|token|secret|pass|auth|sig|cred|session/i;

/** Register the credentials and query values of a base URL (from a spec or an environment variable) as secrets. */
export function registerUrlSecrets(url: string | undefined): void {
  if (!url) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  const values = [decodeURIComponent(parsed.username), decodeURIComponent(parsed.password), ...[...parsed.searchParams.values()]];
  for (const value of values) if (value.length >= URL_SECRET_MIN) registerSecret(value);
  const warning = shortCredentialWarning(parsed);
  if (warning && !warned.has(warning)) {
    warned.add(warning);
    console.error(warning);
  }
}

const warned = new Set<string>();

/**
 * The warning for a base URL whose credential-named query parameters (or userinfo password) have a
 * value under URL_SECRET_MIN characters: those are masked in URLs only. It names the parameters and
 * the lengths, never the values. Undefined when there is none.
 */
export function shortCredentialWarning(url: URL): string | undefined {
  const short = [...url.searchParams].filter(([name, value]) => CREDENTIAL_NAME.test(name) && value.length > 0 && value.length < URL_SECRET_MIN).map(([name, value]) => `${name} (${value.length} characters)`);
  const password = decodeURIComponent(url.password);
  if (password.length > 0 && password.length < URL_SECRET_MIN) short.push(`the password before @ (${password.length} characters)`);
  if (short.length === 0) return undefined;
  return `warning: the base URL's ${short.join(', ')} ${short.length === 1 ? 'is' : 'are'} shorter than ${URL_SECRET_MIN} characters: masked inside URLs only, not in answers or error text (a value that short would mask ordinary words); use a credential of ${URL_SECRET_MIN} characters or more`;
}

/** A key as it may be shown: its first three characters and its length, nothing else. */
export function maskKey(value: string): string {
  return `${value.slice(0, 3)}…(${value.length} chars)`;
}

/** A short key is masked only where it stands alone (not inside a word), so that it cannot blank out ordinary text. */
const SHORT = 8;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every form a secret takes in text a server or af-lab writes: as is, URL-encoded, JSON-escaped (slashes too). */
function formsOf(secret: string): Set<string> {
  const json = JSON.stringify(secret).slice(1, -1);
  return new Set([secret, encodeURIComponent(secret), json, json.replace(/\//g, '\\/'), encodeURIComponent(secret).replace(/%20/g, '+')]);
}

/** Replace every registered secret, in each of its forms, by a mask. Nothing else in the text changes (for model answers). */
export function redactKnownSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of formsOf(secret)) {
      if (!out.includes(form)) continue;
      out = form.length >= SHORT ? out.split(form).join('[redacted key]') : out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`, 'g'), () => '[redacted key]');
    }
  }
  return out;
}

/** A URL (not URL-encoded) up to where it ends in text: whitespace, a quote, a bracket. */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** A URL-encoded URL (inside a spec's `base_url=`), up to the next plain separator. */
const ENCODED_URL_PATTERN = /\b[a-z][a-z0-9+.-]*%3A%2F%2F[^\s"'<>`&]+/gi;

/** A URL with its userinfo and every query value masked; parameter names kept. */
function maskUrl(url: string): string {
  const noUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]+@/i, '$1[redacted]@');
  const q = noUser.indexOf('?');
  if (q === -1) return noUser;
  const hash = noUser.indexOf('#', q);
  const query = noUser.slice(q + 1, hash === -1 ? undefined : hash);
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? pair : `${pair.slice(0, eq)}=[redacted]`;
    })
    .join('&');
  return `${noUser.slice(0, q + 1)}${masked}${hash === -1 ? '' : noUser.slice(hash)}`;
}

/** Every URL in a text, as written and URL-encoded, with its userinfo and query values masked. */
export function maskUrls(text: string): string {
  if (!text.includes('://') && !/%3A%2F%2F/i.test(text)) return text;
  return text.replace(URL_PATTERN, maskUrl).replace(ENCODED_URL_PATTERN, (encoded) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(encoded);
    } catch {
      return encoded.replace(/%3F[\s\S]*$/i, '%3F[redacted]');
    }
    const masked = maskUrl(decoded);
    // The mask itself is left readable (`[redacted]`), as in the other masks of URL-encoded text.
    return masked === decoded ? encoded : encodeURIComponent(masked).replace(/%5Bredacted%5D/g, '[redacted]');
  });
}

/**
 * Replace every registered secret (in each of its forms) by a mask, and mask the credentials and
 * query values of every URL (as written and URL-encoded): for specs, endpoints, errors and run.json.
 */
export function redactSecrets(text: string): string {
  return maskUrls(redactKnownSecrets(text))
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, (_m, scheme: string) => `${scheme}[redacted]@`)
    .replace(/(\b[a-z][a-z0-9+.-]*%3A%2F%2F)[^/\s%@]+%3A[^/\s@]+?%40/gi, (_m, scheme: string) => `${scheme}[redacted]%40`);
}
