import { loadRulebookFile } from '../../rulebook/load';
import { UsageError } from '../cli-error';
import { commandHelp, parseCommandLine, readableFile } from '../options';
import type { CommandIo } from './command';

export const RULEBOOK_VALIDATE_HELP = commandHelp(
  'usage: leadstage rulebook validate <file>',
  'Checks a rulebook (YAML): exit 0, or 1 with every problem listed, each with its file, line,',
  'column, YAML path and what was expected.',
  '',
  '  -h, --help   this help',
);

/** `leadstage rulebook validate <file>`: exit 0, or 1 with every problem listed (main prints a RulebookValidationError). */
export async function rulebookValidate(args: string[], io: CommandIo): Promise<number> {
  const { positionals } = parseCommandLine(args, {}, RULEBOOK_VALIDATE_HELP, 1);
  const [file] = positionals;
  if (!file) throw new UsageError(`missing the rulebook file\n${RULEBOOK_VALIDATE_HELP.usage}`);
  const rulebook = loadRulebookFile(readableFile(file, 'a rulebook file (YAML)'));
  io.out(
    `${file}: valid (version ${rulebook.version}: ${rulebook.exclusions.length} exclusions, ${rulebook.fit.rules.length} fit rules, ` +
      `${rulebook.engagement.rules.length} engagement rules, ${rulebook.engagement.signals.length} signals, ${rulebook.stages.mql.tiers.length} MQL tiers)`,
  );
  return 0;
}
