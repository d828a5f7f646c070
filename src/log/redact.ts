/**
 * Secrets never reach logs (DEVELOPERS.md, SPEC.md §7). Three nets:
 * - values under a secret-looking key are replaced whole, at any depth (nested objects, arrays,
 *   errors and their causes);
 * - every string is scrubbed of credentials in the shapes they travel in: an Authorization
 *   header's `Bearer <token>`, `OAuth <token>` or `Basic <credentials>`, a query string's or form
 *   body's `access_token=`, `refresh_token=`, `code=`, `client_secret=`, `token=` (and the like),
 *   and a JSON text's `"refresh_token": "…"`;
 * - and of every secret value the process registered (tokens read from the environment or opened
 *   from the store, the store's encryption keys), as is and URL-encoded.
 */
const SECRET_KEY = /(token|secret|password|passwd|authorization|api[-_]?key|private[-_]?key|credential|cookie|signature)/i;
/** What follows an auth scheme up to white space, a quote or a separator (some CRMs' session ids contain `!`). */
const AUTH_SCHEME = /\b([Bb]earer|Basic)(\s+)[^\s"',;]{6,}/g;
/** `OAuth` is also a word in prose ("OAuth callback"): a credential after it has a digit or 20 characters. */
const OAUTH_SCHEME = /\b(OAuth)(\s+)(?=[^\s"',;]*\d|[^\s"',;]{20})[^\s"',;]{6,}/g;
/** `name=value` in a query string or a form body; the name must start the text or follow a separator, so `zipcode=` is no `code=`. */
const SECRET_PARAMETER =
  /(^|[?&#;,\s"'(])(access_token|refresh_token|id_token|token|code|client_secret|client_assertion|password|api_key|apikey|hapikey|sig|signature)=([^&#\s"'<>;,)]+)/gi;
/** `"refresh_token": "…"` in JSON that travels as text (a response body quoted in an error message). */
const SECRET_JSON_MEMBER =
  /("[^"\\]{0,64}(?:token|secret|password|passwd|authorization|api[-_]?key|private[-_]?key|credential|cookie|signature)[^"\\]{0,64}"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

const knownSecrets = new Set<string>();

/** Registers a secret value so it is scrubbed from any log line it appears in, also URL-encoded. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6) return;
  knownSecrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) knownSecrets.add(encoded);
}

/** Registers every string under a secret-looking key of an object, at any depth (opened credentials). */
export function registerSecretsIn(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && SECRET_KEY.test(key)) registerSecret(item);
    else registerSecretsIn(item, depth + 1);
  }
}

export function scrubString(text: string): string {
  let out = text
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(OAUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(SECRET_PARAMETER, `$1$2=${REDACTED}`)
    .replace(SECRET_JSON_MEMBER, `$1"${REDACTED}"`);
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    // the parts of an error a log shows: its name, message and stack, its cause, and its own fields (code, status, a response…)
    out.name = value.name;
    out.message = scrubString(value.message);
    if (value.stack) out.stack = scrubString(value.stack);
    if (value.cause !== undefined) out.cause = redactValue(value.cause, depth + 1, seen);
    if (value instanceof AggregateError) out.errors = redactValue(value.errors, depth + 1, seen);
  }
  for (const [key, item] of Object.entries(value)) out[key] = redactEntry(key, item, depth, seen);
  return out;
}

function redactEntry(key: string, item: unknown, depth: number, seen: WeakSet<object>): unknown {
  return SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redactValue(item, depth + 1, seen);
}
