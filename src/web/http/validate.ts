import type { Request, Response } from 'express';
import type { z } from 'zod';
import { fieldProblems, sendError } from './errors';

type Part = 'params' | 'query' | 'body';

/**
 * Parses one part of a request with zod. On failure answers 400 `{error: {code: 'invalid_request',
 * message, errors: [{path, message, value}]}}` naming each field and its bad value (secrets
 * redacted), and returns null: the handler stops there.
 */
export function validate<S extends z.ZodType>(req: Request, res: Response, part: Part, schema: S): z.infer<S> | null {
  const input: unknown = req[part] ?? {};
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = fieldProblems(parsed.error, input, part);
  sendError(res, 400, 'invalid_request', `invalid ${errors.map((e) => e.path).join(', ')}`, errors);
  return null;
}
