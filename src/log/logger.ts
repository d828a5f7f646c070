import winston from 'winston';
import { redact } from './redact';

const LEVEL = Symbol.for('level');

/** Runs every record through the redactor before any transport sees it. */
const redactFormat = winston.format((info) => {
  const scrubbed = redact({ ...info }) as winston.Logform.TransformableInfo;
  // winston keeps the level under a symbol as well; carry it over to the scrubbed copy
  (scrubbed as Record<symbol, unknown>)[LEVEL] = (info as Record<symbol, unknown>)[LEVEL];
  return scrubbed;
});

export interface LoggerOptions {
  level?: string;
  /** JSON lines for log shippers in production; readable lines while developing. */
  format?: 'json' | 'pretty';
  /** Extra transports (tests capture output through one). */
  transports?: winston.transport[];
}

export function createLogger(options: LoggerOptions = {}): winston.Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json())
      : winston.format.combine(
          redactFormat(),
          winston.format.timestamp({ format: 'HH:mm:ss' }),
          winston.format.printf(({ timestamp, level, message, ...meta }) => {
            const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${rest}`;
          }),
        );
  return winston.createLogger({
    level: options.level ?? 'info',
    format,
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

export type Logger = winston.Logger;
