import type { z } from 'zod';

/**
 * One validation problem in words an admin can act on: what was expected and the value given
 * ("expected number, got \"fifty\""), for every parser of outside input (rulebook, person, event,
 * field mapping). Values are cut short, and a value under a key that may hold a secret is never shown.
 */

/** Keys whose values may be secrets: shown as (hidden), at any depth. */
const SECRET_KEY = /(password|passphrase|secret|token|api_?key|private_?key|authorization|credentials?|cookie|session)$/i;
/** How much of a bad value an error shows. */
const MAX_SHOWN = 60;

/** The value at `path` inside `input`, or undefined when the path leads nowhere. */
export function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A bad value as an error shows it: JSON, cut to a short length with "…", secrets hidden; null when there is none. */
export function showValue(value: unknown, path: ReadonlyArray<PropertyKey> = []): string | null {
  if (value === undefined) return null;
  const last = path[path.length - 1];
  if (typeof last === 'string' && SECRET_KEY.test(last)) return '(hidden)';
  let text: string;
  try {
    text = JSON.stringify(value, (key, inner: unknown) => (key !== '' && SECRET_KEY.test(key) ? '(hidden)' : inner)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/**
 * zod's message with its boilerplate trimmed ("Invalid input: ", "received string": the value says
 * more), then the value given. A missing value reads "required (expected …)".
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const value = valueAt(input, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return `required (expected ${issue.expected})`;
  const message = issue.message
    .replace(/^Invalid (input|option): /, '')
    .replace(/, received [\w ]+$/, '');
  // unknown keys are named by the message; the object holding them says nothing more
  if (issue.code === 'unrecognized_keys') return message;
  const shown = showValue(value, issue.path);
  return shown === null ? message : `${message}, got ${shown}`;
}
