import { z } from 'zod';
import { PersonSchema } from './person';
import { EventSchema } from './event';
import { PreviousStateSchema } from './decision';
import { formatPath } from '../util/format-path.util';
import { describeIssue } from '../util/zod-issue.util';

/**
 * One line of the public interchange format (README): `{"person": …, "events": […], "state": …}`.
 * The CLI, the importer and every connector read and write it.
 */
export const PersonRecordSchema = z.object({
  person: PersonSchema,
  events: z.array(EventSchema).default([]),
  state: PreviousStateSchema.nullable().optional(),
});

export type PersonRecord = z.infer<typeof PersonRecordSchema>;

export class RecordParseError extends Error {
  constructor(
    readonly line: number,
    readonly details: string[],
  ) {
    super(`line ${line}: ${details.join('; ')}`);
    this.name = 'RecordParseError';
  }
}

/** Parses one JSONL line; throws RecordParseError naming the line and each bad field. */
export function parsePersonRecord(text: string, line: number): PersonRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RecordParseError(line, [`not valid JSON (${(error as Error).message})`]);
  }
  const result = PersonRecordSchema.safeParse(raw);
  if (!result.success) {
    throw new RecordParseError(
      line,
      result.error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue, raw)}`),
    );
  }
  return result.data;
}
