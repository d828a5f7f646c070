import { hkdfSync } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Env } from '../config/env';
import { createLogger, type Logger } from '../log/logger';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { registerReportGauges } from '../metrics/report-gauges';
import { gaugeFigures } from '../reports/gauge-figures';
import { bullmqEnqueuer, type Enqueuer } from '../queue/enqueuer';
import type { QueueName } from '../queue/job-data';
import { InProcessQueue, skippingClock, type VirtualClock } from '../queue/in-process-queue.driver';
import { createQueues } from '../queue/queues';
import { redisRecordChangeBuffer } from '../queue/record-changes';
import { jobRunner } from '../worker/report-outcome';
import { connectorRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../connector/connector-registry';
import { ratePolicyNamed } from '../connector/connector-install';
import { createRedisRateLimiter, type RateLimiter, type RatePolicy } from '../rate-limit';
import { SecretBox, createStore, subjectHasher, type Installation, type Provider, type Store } from '../store';
import { createConnectorFactory } from './connector-factory';
import { createRedisRefreshLock } from '../connector/redis-refresh-lock';
import { createEngineCache } from './engine-cache';
import { installationRatePolicy } from './installation-rate-policy';
import type { JobDeps } from '../../jobs/job-deps';
import { OwnerDirectoryPlanner } from '../sla/owner-directory-planner';
import { loadSecretKey } from './secret-key';
import type { HealOptions } from './heal-options';

export interface RuntimeOptions {
  env: Env;
  /** Injected time; the demo and tests align it with the sandbox's clock. */
  clock?: () => number;
  /** BullMQ key prefix: keeps tests and demos apart on a shared Redis. */
  prefix?: string;
  /** `memory` for tests; default: LEADSTAGE_DATA_DIR (ignored when DATABASE_URL is set). */
  dataDir?: string;
  logger?: Logger;
  /**
   * A request budget for every installation of a provider, instead of the one each installation
   * stores (the demo, tests and benchmarks compress a window or lift it).
   */
  ratePolicies?: Partial<Record<Provider, RatePolicy>>;
  /** The connectors this runtime knows (default: connectors/registry.ts). */
  connectors?: ConnectorRegistry;
  /** PostgreSQL only: a schema of its own (tests; several deployments on one server). */
  schema?: string;
  /** How long a worker's claim on outbox writes lasts before another may take them (default 5 min). */
  outboxLeaseMs?: number;
  /**
   * `bullmq` (default): the queues live in Redis and `serve` runs workers on them. `in-process`
   * (tests): jobs stay in this process and run when `runtime.inProcess.drain()` is called; waits
   * for delayed jobs are skipped on the clock instead of slept (see in-process-queue.driver.ts).
   */
  queueDriver?: 'bullmq' | 'in-process';
  /** In-process only: the driver's clock (default: wall time that skips waits); `clock` jumps along with it. */
  queueClock?: VirtualClock & { follow(other: () => number): () => number };
  /** In-process only: jobs run at a time (default 1). */
  queueConcurrency?: number;
  /** Self-healing bounds (readiness, reconcile); tests shorten them. */
  heal?: HealOptions;
}

/** Everything a web or worker process needs, built once from the validated environment. */
export interface Runtime {
  env: Env;
  store: Store;
  redis: Redis;
  /** The BullMQ queues (throws on an in-process runtime: it has none). */
  queues: Record<QueueName, Queue>;
  enqueue: Enqueuer;
  /** The in-process driver when `queueDriver` is `in-process`, else null. */
  inProcess: InProcessQueue | null;
  metrics: Metrics;
  logger: Logger;
  box: SecretBox;
  prefix: string;
  limiter: RateLimiter;
  deps: JobDeps;
  /** Self-healing bounds: what /readyz, the reconcile and `leadstage status` use. */
  heal: HealOptions;
  /** Sets one installation's request budget (self-hosted single-account mode chooses it explicitly). */
  setRatePolicy(installationId: string, policy: RatePolicy): void;
  /** The request budget an installation runs under (the console shows what it used of it). */
  ratePolicyFor(installation: Installation): RatePolicy;
  /**
   * A 32-byte key for one purpose (`oauth-state`, …), derived from the key that seals the tokens
   * (LEADSTAGE_SECRET_KEY) with HKDF, so one secret serves every purpose and none reveals another.
   */
  deriveKey(purpose: string): Buffer;
  /**
   * Forgets what this process cached about an installation (reconnected, disconnected, paused,
   * new credentials) and tells every other process to forget it too (Redis pub/sub).
   */
  forget(installationId: string): void;
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  constructor(url: string, cause: string) {
    super(
      /NOAUTH|WRONGPASS|invalid password/i.test(cause)
        ? `Redis at ${redactUrl(url)} refused Leadstage (${cause}); put its password in REDIS_URL (redis://:password@host:6379).`
        : `Redis is not reachable at ${redactUrl(url)} (${cause}); start it, e.g. \`redis-server --daemonize yes --port 6379\`, or set REDIS_URL to a running Redis.`,
    );
    this.name = 'RedisUnavailableError';
  }
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL, format: env.NODE_ENV === 'production' ? 'json' : 'pretty' });
  const redis = await connectRedis(env.REDIS_URL, logger);
  const dataDir = options.dataDir ?? env.LEADSTAGE_DATA_DIR;
  let store: Store;
  let box: SecretBox;
  let secretKey: Buffer;
  try {
    store = await createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, ...(options.schema ? { schema: options.schema } : {}) } : { dataDir });
  } catch (error) {
    redis.disconnect(); // a store that cannot open must not leave the process hanging on Redis
    throw error;
  }
  try {
    const keys = loadSecretKey(env.LEADSTAGE_SECRET_KEY, dataDir === 'memory' ? env.LEADSTAGE_DATA_DIR : dataDir);
    // the current key (first) also derives the state-signing and audit-hash keys
    secretKey = keys[0]!;
    box = new SecretBox(keys);
  } catch (error) {
    await store.close();
    redis.disconnect();
    throw error;
  }
  const metrics = createMetrics();
  const prefix = options.prefix ?? 'leadstage';
  const inProcessClock = options.queueDriver === 'in-process' ? (options.queueClock ?? skippingClock()) : null;
  const inProcess = inProcessClock ? new InProcessQueue({ clock: inProcessClock, ...(options.queueConcurrency ? { concurrency: options.queueConcurrency } : {}) }) : null;
  const queues = inProcess ? null : createQueues(redis, prefix);
  const enqueue = inProcess ?? bullmqEnqueuer(queues!);
  // jobs read time through `clock`: on the in-process driver it jumps with the driver's skipped waits
  const clock = inProcessClock ? inProcessClock.follow(options.clock ?? Date.now) : (options.clock ?? Date.now);
  // the reports' gauges, read when Prometheus scrapes, at most once a minute
  registerReportGauges(metrics.registry, { load: () => gaugeFigures(store.db, clock()), clock });
  // one limiter for all processes: the request budget of an installation lives in Redis
  const limiter = createRedisRateLimiter(redis, { prefix });
  const connectors = options.connectors ?? connectorRegistry;
  const installationPolicies = new Map<string, RatePolicy>();
  // explicit in this process > the runtime's override (demo, tests) > the installation's own (chosen at
  // install or from configuration); a connector whose limits follow the account has no default to guess
  const ratePolicyFor = (installation: Installation): RatePolicy =>
    installationPolicies.get(installation.id) ??
    options.ratePolicies?.[installation.provider] ??
    installationRatePolicy(connectors.get(installation.provider), installation);
  const installations = new Map<string, Installation>();
  const connectorFor = createConnectorFactory({ store, box, metrics, logger, limiter, registry: connectors, ratePolicyFor, redis, prefix, clock });
  const deps: JobDeps = {
    store,
    clock,
    logger,
    enqueue,
    engineFor: createEngineCache(store),
    ...(options.outboxLeaseMs ? { outboxLeaseMs: options.outboxLeaseMs } : {}),
    connectorFor,
    connectors,
    recordChanges: redisRecordChangeBuffer(redis, { prefix }),
    privacy: {
      subjectHash: subjectHasher(secretKey),
      eventRetentionMarginDays: env.LEADSTAGE_EVENT_RETENTION_MARGIN_DAYS,
      resolvedErrorRetentionDays: env.LEADSTAGE_RECORD_ERROR_RETENTION_DAYS,
    },
    exclusive: createRedisRefreshLock(redis, { prefix: `${prefix}:job` }),
    async installation(workspaceId, installationId) {
      let installation = installations.get(installationId);
      if (!installation) {
        const found = await store.installations.get(workspaceId, installationId);
        if (!found) throw new Error(`installation ${installationId} is not in workspace ${workspaceId}`);
        installations.set(installationId, (installation = found));
      }
      return installation;
    },
  };
  // caches of installations and connectors live in every process: a change (reconnect, disconnect,
  // pause, needs_reauth) is announced on a channel under the prefix, and every process forgets it
  const forgetHere = (installationId: string) => {
    installations.delete(installationId);
    connectorFor.forget(installationId);
  };
  const changes = await subscribeToChanges(redis, `${prefix}:installation-changed`, logger, forgetHere, () => {
    for (const id of [...installations.keys()]) forgetHere(id);
  });
  const forget = (installationId: string) => {
    forgetHere(installationId);
    redis.publish(changes.channel, installationId).catch((error: unknown) => logger.warn('announcing an installation change failed', { installationId, error: (error as Error).message }));
  };
  deps.forget = forget;
  // the owner directory and calendar behind SLA handoffs: the owners cached in the store, the rulebook's rules
  deps.handoffPlanner = new OwnerDirectoryPlanner({
    store, clock, logger, connectors, connectorFor,
    installation: (workspaceId, installationId) => deps.installation(workspaceId, installationId),
    rulebookFor: async (workspaceId) => (await deps.engineFor(workspaceId)).rulebook,
  });
  inProcess?.setRunner(jobRunner(deps, limiter, metrics));
  return {
    env,
    store,
    redis,
    get queues(): Record<QueueName, Queue> {
      if (!queues) throw new Error('this runtime drives its queues in process (queueDriver: in-process): use runtime.inProcess');
      return queues;
    },
    enqueue,
    inProcess,
    metrics,
    logger,
    box,
    prefix,
    limiter,
    deps,
    heal: options.heal ?? {},
    setRatePolicy: (installationId, policy) => installationPolicies.set(installationId, policy),
    ratePolicyFor,
    deriveKey: (purpose) => Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `leadstage:${purpose}`, 32)),
    forget,
    async close() {
      changes.close();
      if (queues) await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await store.close();
      redis.disconnect();
    },
  };
}

/**
 * Listens for installation changes on its own connection (a subscribed connection can do nothing
 * else). Messages published while the connection was down are lost, so after a reconnect every
 * cached installation is forgotten.
 */
async function subscribeToChanges(redis: Redis, channel: string, logger: Logger, forget: (installationId: string) => void, forgetAll: () => void): Promise<{ channel: string; close(): void }> {
  const subscriber = redis.duplicate();
  subscriber.on('error', (error: Error) => logger.warn('Redis connection error (installation changes); reconnecting', { error: redisFailureReason(error) }));
  let subscribed = false;
  subscriber.on('ready', () => {
    if (subscribed) forgetAll();
  });
  subscriber.on('message', (from: string, installationId: string) => {
    if (from === channel) forget(installationId);
  });
  await subscriber.subscribe(channel);
  subscribed = true;
  return { channel, close: () => subscriber.disconnect() };
}

/**
 * Fails fast with a message that says how to start Redis, instead of retrying forever. Connection
 * errors go to a listener (ioredis prints "Unhandled error event" noise without one): at start-up
 * the first one is the cause reported; later ones are logged while ioredis reconnects.
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  // no retry until the first connection stands: a refused start-up fails at once and leaves no timer
  let connected = false;
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 3_000, retryStrategy: (times) => (connected ? Math.min(times * 200, 2_000) : null) });
  let firstError: Error | null = null;
  const atStart = (error: Error) => {
    firstError ??= error;
  };
  redis.on('error', atStart);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    if (redis.status !== 'end') redis.disconnect();
    throw new RedisUnavailableError(url, redisFailureReason(firstError ?? (error as Error)));
  }
  connected = true;
  redis.off('error', atStart);
  redis.on('error', (error: Error) => logger.warn('Redis connection error; reconnecting', { error: redisFailureReason(error) }));
  return redis;
}

function redisFailureReason(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused: nothing listens there';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT') return 'no answer within 3 s';
  return error.message;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
