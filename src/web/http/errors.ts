import type { Response } from 'express';
import type { z } from 'zod';

/** One problem with a request field: where, what, and the value (never a secret's). */
export interface FieldProblem {
  path: string;
  message: string;
  value?: unknown;
}

/** `{error: {code, message, errors?}}`: the one error shape every API route answers with. */
export function sendError(res: Response, status: number, code: string, message: string, errors?: FieldProblem[]): void {
  res.status(status).json({ error: { code, message, ...(errors ? { errors } : {}) } });
}

/** Request fields whose values are never echoed back (they are, or may be, secrets). */
const SECRET_FIELDS = /(^|\.)(code|state|token|_csrf|csrf|password|secret|access_?token|refresh_?token|client_?secret)$/i;

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns a zod error into field problems naming each field and its bad value (redacted for secrets, cut when long). */
export function fieldProblems(error: z.ZodError, input: unknown, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    const raw = at(input, issue.path);
    // only a field's own value is echoed: a whole object may carry a secret field
    const primitive = raw === null || ['string', 'number', 'boolean'].includes(typeof raw);
    const value = raw === undefined || !primitive ? undefined : SECRET_FIELDS.test(path) ? '[redacted]' : typeof raw === 'string' && raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
    return { path, message: issue.message, ...(value !== undefined ? { value } : {}) };
  });
}
