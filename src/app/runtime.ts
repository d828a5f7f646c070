import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Env } from '../config/env';
import { createLogger, type Logger } from '../log/logger';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { bullmqEnqueuer, type Enqueuer } from '../queue/enqueuer';
import type { QueueName } from '../queue/job-data';
import { createQueues } from '../queue/queues';
import { redisRecordChangeBuffer } from '../queue/record-changes';
import { connectorRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../connector/connector-registry';
import { createRedisRateLimiter, type RateLimiter, type RatePolicy } from '../rate-limit';
import { SecretBox, createStore, type Installation, type Provider, type Store } from '../store';
import { createConnectorFactory } from './connector-factory';
import { createEngineCache } from './engine-cache';
import { installationRatePolicy } from './installation-rate-policy';
import type { JobDeps } from '../../jobs/job-deps';
import { loadSecretKey } from './secret-key';

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
}

/** Everything a web or worker process needs, built once from the validated environment. */
export interface Runtime {
  env: Env;
  store: Store;
  redis: Redis;
  queues: Record<QueueName, Queue>;
  enqueue: Enqueuer;
  metrics: Metrics;
  logger: Logger;
  box: SecretBox;
  prefix: string;
  limiter: RateLimiter;
  deps: JobDeps;
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
  try {
    store = await createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, ...(options.schema ? { schema: options.schema } : {}) } : { dataDir });
  } catch (error) {
    redis.disconnect(); // a store that cannot open must not leave the process hanging on Redis
    throw error;
  }
  try {
    box = new SecretBox(loadSecretKey(env.LEADSTAGE_SECRET_KEY, dataDir === 'memory' ? env.LEADSTAGE_DATA_DIR : dataDir));
  } catch (error) {
    await store.close();
    redis.disconnect();
    throw error;
  }
  const metrics = createMetrics();
  const prefix = options.prefix ?? 'leadstage';
  const queues = createQueues(redis, prefix);
  const enqueue = bullmqEnqueuer(queues);
  const clock = options.clock ?? Date.now;
  // one limiter for all processes: the request budget of an installation lives in Redis
  const limiter = createRedisRateLimiter(redis, { prefix });
  const connectors = options.connectors ?? connectorRegistry;
  // the installation's own policy (chosen at install or from configuration), never a per-provider guess
  const ratePolicyFor = (installation: Installation): RatePolicy =>
    options.ratePolicies?.[installation.provider] ?? installationRatePolicy(connectors.get(installation.provider), installation);
  const installations = new Map<string, Installation>();
  const deps: JobDeps = {
    store,
    clock,
    logger,
    enqueue,
    engineFor: createEngineCache(store),
    ...(options.outboxLeaseMs ? { outboxLeaseMs: options.outboxLeaseMs } : {}),
    connectorFor: createConnectorFactory({ store, box, metrics, logger, limiter, registry: connectors, ratePolicyFor, redis, prefix }),
    connectors,
    recordChanges: redisRecordChangeBuffer(redis, { prefix }),
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
  return {
    env,
    store,
    redis,
    queues,
    enqueue,
    metrics,
    logger,
    box,
    prefix,
    limiter,
    deps,
    async close() {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await store.close();
      redis.disconnect();
    },
  };
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
