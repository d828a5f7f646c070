import { compileRulebook } from '../../engine/engine';
import { loadRulebookFile } from '../../rulebook/load';
import { parseNow, parseOptions, required } from '../options';
import { readRecords } from '../read-records';
import type { CommandIo } from './command';

const USAGE = 'usage: leadstage score --rulebook <file> --input <people.jsonl|-> [--now <iso>]';

/**
 * `leadstage score`: one decision per input line on stdout, in input order. A malformed line gets
 * an error on stderr naming its line number; the others still get decisions; exit 1 if any failed.
 */
export async function score(args: string[], io: CommandIo): Promise<number> {
  const options = parseOptions(args, { rulebook: { type: 'string' }, input: { type: 'string' }, now: { type: 'string' } }, USAGE);
  const engine = compileRulebook(loadRulebookFile(required(options.rulebook, 'rulebook', USAGE)));
  const input = required(options.input, 'input', USAGE);
  const now = parseNow(options.now);
  let failed = 0;
  for await (const item of readRecords(input)) {
    if ('error' in item) {
      failed++;
      io.err(`${input}:${item.error.line}: ${item.error.details.join('; ')}`);
      continue;
    }
    const { person, events, state } = item.record;
    io.out(JSON.stringify(engine.evaluate(person, events, state, now)));
  }
  if (failed > 0) io.err(`${failed} line${failed === 1 ? '' : 's'} failed`);
  return failed > 0 ? 1 : 0;
}
