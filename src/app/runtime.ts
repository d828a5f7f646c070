import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Env } from '../config/env';
import { createLogger, type Logger } from '../log/logger';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { bullmqEnqueuer, type Enqueuer } from '../queue/enqueuer';
import type { QueueName } from '../queue/job-data';
import { createQueues } from '../queue/queues';
import { connectorRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../connector/connector-registry';
import { createRedisRateLimiter, type RateLimiter, type RatePolicy } from '../rate-limit';
import { SecretBox, createStore, subjectHasher, type Installation, type Provider, type Store } from '../store';
import { createConnectorFactory } from './connector-factory';
import { createEngineCache } from './engine-cache';
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
  /** A request budget per installation of a provider, instead of its connector's default (the demo compresses a window). */
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
  /** Sets one installation's request budget (self-hosted single-account mode chooses it explicitly). */
  setRatePolicy(installationId: string, policy: RatePolicy): void;
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  constructor(url: string, cause: string) {
    super(
      `Redis is not reachable at ${redactUrl(url)} (${cause}).\n` +
        'Start it, e.g. `redis-server --daemonize yes --port 6379`, or set REDIS_URL to a running Redis.',
    );
    this.name = 'RedisUnavailableError';
  }
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL, format: env.NODE_ENV === 'production' ? 'json' : 'pretty' });
  const redis = await connectRedis(env.REDIS_URL);
  const dataDir = options.dataDir ?? env.LEADSTAGE_DATA_DIR;
  const store = await createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, ...(options.schema ? { schema: options.schema } : {}) } : { dataDir });
  const secretKey = loadSecretKey(env.LEADSTAGE_SECRET_KEY, dataDir === 'memory' ? env.LEADSTAGE_DATA_DIR : dataDir);
  const box = new SecretBox(secretKey);
  const metrics = createMetrics();
  const prefix = options.prefix ?? 'leadstage';
  const queues = createQueues(redis, prefix);
  const enqueue = bullmqEnqueuer(queues);
  const clock = options.clock ?? Date.now;
  // one limiter for all processes: the request budget of an installation lives in Redis
  const limiter = createRedisRateLimiter(redis, { prefix });
  const connectors = options.connectors ?? connectorRegistry;
  const installationPolicies = new Map<string, RatePolicy>();
  const ratePolicyFor = (installation: Installation): RatePolicy =>
    installationPolicies.get(installation.id) ?? options.ratePolicies?.[installation.provider] ?? connectors.get(installation.provider).defaultRatePolicy;
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
    privacy: {
      subjectHash: subjectHasher(secretKey),
      eventRetentionMarginDays: env.LEADSTAGE_EVENT_RETENTION_MARGIN_DAYS,
      resolvedErrorRetentionDays: env.LEADSTAGE_RECORD_ERROR_RETENTION_DAYS,
    },
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
    setRatePolicy: (installationId, policy) => installationPolicies.set(installationId, policy),
    async close() {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await store.close();
      redis.disconnect();
    },
  };
}

/** Fails fast with a message that says how to start Redis, instead of retrying forever. */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 3_000, retryStrategy: (times) => Math.min(times * 200, 2_000) });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new RedisUnavailableError(url, (error as Error).message);
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
