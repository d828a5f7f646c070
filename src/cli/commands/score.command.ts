import { compileRulebook } from '../../engine/engine';
import { loadRulebookFile } from '../../rulebook/load';
import { commandHelp, parseNow, parseOptions, parseTimeZone, readableFile, required } from '../options';
import { readRecords } from '../read-records';
import type { CommandIo } from './command';

export const SCORE_HELP = commandHelp(
  'usage: leadstage score --rulebook <file> --input <people.jsonl|-> [--now <iso>] [--time-zone <zone>]',
  'One decision (JSON) per person line of the input, in input order. A malformed line is reported on',
  'stderr with its line number, the others are still scored, and the exit code is 1.',
  '',
  '  --rulebook <file>   the rulebook (YAML), e.g. config/rulebook.default.yaml',
  '  --input <file>      people as JSON Lines; - reads standard input',
  '  --now <iso>         the clock, e.g. 2026-11-27T12:00:00Z (default: now); same input and --now, same output',
  '  --time-zone <zone> the workspace\'s IANA zone (default UTC): scores fade at its midnight',
  '  -h, --help          this help',
);

/**
 * `leadstage score`: one decision per input line on stdout, in input order. A malformed line gets
 * an error on stderr naming its line number; the others still get decisions; exit 1 if any failed.
 */
export async function score(args: string[], io: CommandIo): Promise<number> {
  const options = parseOptions(args, { rulebook: { type: 'string' }, input: { type: 'string' }, now: { type: 'string' }, 'time-zone': { type: 'string' } }, SCORE_HELP);
  const rulebook = readableFile(required(options.rulebook, 'rulebook', SCORE_HELP), 'a rulebook file (YAML)');
  const input = readableFile(required(options.input, 'input', SCORE_HELP), 'a JSON Lines file of people', { stdin: true });
  const now = parseNow(options.now);
  const engine = compileRulebook(loadRulebookFile(rulebook), { timeZone: parseTimeZone(options['time-zone']) });
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
