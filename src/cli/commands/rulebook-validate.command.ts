import { loadRulebookFile } from '../../rulebook/load';
import { RulebookValidationError } from '../../rulebook/rulebook-error';
import { UsageError } from '../cli-error';
import type { CommandIo } from './command';

/** `leadstage rulebook validate <file>`: exit 0, or 1 with every problem listed. */
export async function rulebookValidate(args: string[], io: CommandIo): Promise<number> {
  const [file, ...rest] = args;
  if (!file || rest.length > 0) throw new UsageError('usage: leadstage rulebook validate <file>');
  try {
    const rulebook = loadRulebookFile(file);
    io.out(
      `${file}: valid (version ${rulebook.version}: ${rulebook.exclusions.length} exclusions, ${rulebook.fit.rules.length} fit rules, ` +
        `${rulebook.engagement.rules.length} engagement rules, ${rulebook.engagement.signals.length} signals, ${rulebook.stages.mql.tiers.length} MQL tiers)`,
    );
    return 0;
  } catch (error) {
    if (error instanceof RulebookValidationError) {
      io.err(error.message);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`${file}: no such file`);
      return 1;
    }
    throw error;
  }
}
