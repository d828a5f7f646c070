/**
 * Secrets never reach logs (DEVELOPERS.md, SPEC.md §7). Two nets: values under a secret-looking key
 * are replaced whole, and any string is scrubbed of bearer tokens and of every secret value the
 * process registered (tokens read from the environment or decrypted from the store).
 */
const SECRET_KEY = /(token|secret|password|passwd|authorization|api[-_]?key|private[-_]?key|credential|cookie|signature)/i;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const REDACTED = '[redacted]';

const knownSecrets = new Set<string>();

/** Registers a secret value so it is scrubbed from any log line it appears in. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

export function scrubString(text: string): string {
  let out = text.replace(BEARER, `$1 ${REDACTED}`);
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return { name: value.name, message: scrubString(value.message), stack: value.stack ? scrubString(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, depth + 1);
  return out;
}
