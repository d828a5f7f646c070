import type { WebhookRouteDeps } from '../web/routes/webhooks.route';
import { redisRecordChangeBuffer } from '../queue/record-changes';
import type { Runtime } from './runtime';

/**
 * What the webhook route needs from a runtime: the store (account → installation), the change
 * buffer the `records` job drains, the enqueuer, PUBLIC_URL, and the environment the connectors'
 * webhook setups read their app secrets from.
 */
export function webhookRouteDeps(runtime: Runtime, environment: Readonly<Record<string, string | undefined>>): WebhookRouteDeps {
  return {
    store: runtime.store,
    redis: runtime.redis,
    prefix: runtime.prefix,
    connectors: runtime.deps.connectors,
    environment,
    publicUrl: runtime.env.PUBLIC_URL,
    changes: runtime.deps.recordChanges ?? redisRecordChangeBuffer(runtime.redis, { prefix: runtime.prefix }),
    enqueue: runtime.enqueue,
    logger: runtime.logger,
    metrics: runtime.metrics,
  };
}
