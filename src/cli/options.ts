import { parseArgs } from 'node:util';
import { UsageError } from './cli-error';

/** Parses `--name value` options, turning node's errors into a UsageError with the usage line. */
export function parseOptions<const T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export function required(value: string | boolean | undefined, name: string, usage: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`missing --${name}\n${usage}`);
  return value;
}

/** `--now` pins the clock (back-tests, reproducible output); default: the real time. */
export function parseNow(value: string | boolean | undefined): number {
  if (value === undefined) return Date.now();
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`--now: "${String(value)}" is not an ISO 8601 date-time`);
  return ms;
}
