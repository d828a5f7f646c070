import { z } from 'zod';

/**
 * Configuration comes from the environment only (twelve-factor), validated once at start-up.
 * A bad or missing variable stops the process with one message that lists every problem.
 * A connector's own variables (self-hosted single-account mode) are its module's to read and check
 * (ConnectorModule.fromEnvironment), so this file names no vendor.
 */
const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    /** PostgreSQL in production; unset means the embedded PGlite store in LEADSTAGE_DATA_DIR. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user@host:port/database' }).optional(),
    LEADSTAGE_DATA_DIR: z.string().min(1).default('.data'),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected redis://host:port' }).default('redis://127.0.0.1:6379'),
    PORT: z.coerce.number({ error: 'expected a port number (0-65535)' }).int().min(0).max(65535).default(3000),
    /**
     * The address the web server (and the worker's health server) bind: 127.0.0.1 by default, so a
     * developer's laptop serves only itself; the Docker image sets 0.0.0.0 (every interface).
     */
    HOST: z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'expected an IP address or host name, e.g. 0.0.0.0 or 127.0.0.1' }).default('127.0.0.1'),
    /** The worker role's /healthz and /metrics (it serves no web pages). */
    WORKER_HEALTH_PORT: z.coerce.number({ error: 'expected a port number (0-65535)' }).int().min(0).max(65535).default(3001),
    RULEBOOK_PATH: z.string().min(1).default('config/rulebook.default.yaml'),
    /** How long the worker keeps retrying its start-up setup (a CRM answering 5xx) before it exits non-zero. */
    SETUP_TIMEOUT_SECONDS: z.coerce.number({ error: 'expected a number of seconds' }).positive().max(86_400).default(300),
    /**
     * Where the world reaches this server (https://leadstage.example.com): OAuth callbacks are
     * `${PUBLIC_URL}/oauth/<system>/callback`, and CRMs sign webhook deliveries over the full URL they
     * called, which a proxy in front of us does not pass on.
     */
    PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'expected the externally visible base URL, e.g. https://leadstage.example.com' }).optional(),
    /**
     * 32 bytes, base64 or hex: encrypts CRM tokens at rest. Required in production. During a key
     * rotation, several keys comma-separated: the current one first, then the old ones.
     */
    LEADSTAGE_SECRET_KEY: z
      .string()
      .refine((value) => decodeKeys(value) !== null, 'expected 32 bytes as 64 hex characters or base64 (several keys comma-separated, the current one first)')
      .optional(),
    /** Days events are kept beyond the rulebook's decay horizon before the retention job prunes them (docs/data-protection.md). */
    LEADSTAGE_EVENT_RETENTION_MARGIN_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** Days a resolved per-record error is kept before the retention job prunes it. */
    LEADSTAGE_RECORD_ERROR_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  });

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; never echoes a value back, since some are secrets. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const relevant = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = EnvSchema.safeParse(relevant);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message.replace(/^Invalid input: /, '')}`);
  // checked on the raw input too, so it is reported alongside any other problem
  if (relevant.NODE_ENV === 'production' && !relevant.LEADSTAGE_SECRET_KEY) {
    problems.push('LEADSTAGE_SECRET_KEY: required in production (tokens are encrypted at rest)');
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

export function decodeKey(value: string): Buffer | null {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return key.length === 32 ? key : null;
}

/** Comma-separated keys, each as decodeKey takes it, in order; null when any of them is not a key. */
export function decodeKeys(value: string): Buffer[] | null {
  const keys = value.split(',').map((part) => decodeKey(part.trim()));
  return keys.every((key): key is Buffer => key !== null) ? keys : null;
}
