import { accessSync, constants, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HelpRequested, InputFileError, UsageError } from './cli-error';
import { isTimeZone } from '../util/time-zone.util';

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

/** A command's help: its usage line first, then what it does and its options. */
export interface CommandHelp {
  usage: string;
  text: string;
}

export function commandHelp(usage: string, ...lines: string[]): CommandHelp {
  return { usage, text: [usage, ...(lines.length ? ['', ...lines] : [])].join('\n') };
}

/** `--help`/`-h` anywhere before a `--`: every command answers it, whatever else is on the line. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Parses `--name value` options and up to `maxPositionals` plain arguments. `--help` throws
 * HelpRequested; an unknown option, a missing value or an extra argument is a UsageError naming it,
 * followed by the usage line.
 */
export function parseCommandLine<const T extends OptionSpec>(args: string[], options: T, help: CommandHelp, maxPositionals = 0) {
  if (wantsHelp(args)) throw new HelpRequested(help.text);
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error as NodeJS.ErrnoException)}\n${help.usage}`);
  }
  const extra = parsed.positionals.slice(maxPositionals);
  if (extra.length > 0) {
    const first = extra[0]!;
    throw new UsageError(`${first.startsWith('-') ? `unknown option ${first}` : `unexpected argument "${first}"`}\n${help.usage}`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Parses options only (no plain arguments). */
export function parseOptions<const T extends OptionSpec>(args: string[], options: T, help: CommandHelp) {
  return parseCommandLine(args, options, help).values;
}

function describeParseError(error: NodeJS.ErrnoException): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? error.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return quoted?.endsWith(' <value>') ? `${quoted.replace(/ <value>$/, '')} needs a value` : error.message;
    default:
      return error.message;
  }
}

export function required(value: string | boolean | undefined, name: string, usage: string | CommandHelp): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`missing --${name}\n${typeof usage === 'string' ? usage : usage.usage}`);
  return value;
}

/**
 * A file the command will read: it must exist and not be a directory (`-` is standard input where
 * `stdin` allows it). Checked
 * before reading, so a directory or a typo is one line naming it, never a stack trace.
 */
export function readableFile(path: string, what: string, options: { stdin?: boolean } = {}): string {
  if (path === '-') {
    if (options.stdin) return path;
    throw new UsageError(`- (standard input) cannot be ${what}; give a file`);
  }
  try {
    if (statSync(path).isDirectory()) throw new InputFileError(`${path}: is a directory, not a file; expected ${what}`);
    accessSync(path, constants.R_OK);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputFileError(`${path}: no such file`);
    if (code === 'EACCES' || code === 'EPERM') throw new InputFileError(`${path}: permission denied`);
    throw error;
  }
  return path;
}

/** `--now` pins the clock (back-tests, reproducible output); default: the real time. */
/** `--time-zone`: an IANA name the engine fades scores in (UTC when left out). */
export function parseTimeZone(value: string | boolean | undefined): string {
  if (value === undefined) return 'UTC';
  if (typeof value !== 'string' || !isTimeZone(value)) {
    throw new UsageError(`--time-zone: "${String(value).slice(0, 64)}" is not a time zone: expected an IANA name such as "Europe/Berlin" or "UTC"`);
  }
  return value;
}

export function parseNow(value: string | boolean | undefined): number {
  if (value === undefined) return Date.now();
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`--now: "${String(value)}" is not an ISO 8601 date-time`);
  return ms;
}
