import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parsePersonRecord, RecordParseError, type PersonRecord } from '../model/interchange';

export type RecordOrError = { line: number; record: PersonRecord } | { line: number; error: RecordParseError };

/**
 * Streams a JSONL file of person records one line at a time (memory stays flat for any file size).
 * A bad line yields its error with the line number; blank lines are skipped.
 */
export async function* readRecords(file: string): AsyncGenerator<RecordOrError> {
  const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, record: parsePersonRecord(text, line) };
    } catch (error) {
      if (error instanceof RecordParseError) yield { line, error };
      else throw error;
    }
  }
}
