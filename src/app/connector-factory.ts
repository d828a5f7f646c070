import type { Redis } from 'ioredis';
import type { ConnectorModule } from '../connector/connector-module';
import type { ConnectorRegistry } from '../connector/connector-registry';
import type { CrmConnector } from '../connector/crm-connector';
import { createLocalRefreshLock, type RefreshLock } from '../connector/refresh-lock';
import { createRedisRefreshLock } from '../connector/redis-refresh-lock';
import type { Logger } from '../log/logger';
import { registerSecret } from '../log/redact';
import type { Metrics } from '../metrics/metrics';
import type { RateLimiter, RatePolicy, RequestKind } from '../rate-limit';
import type { Installation, SecretBox, Store } from '../store';
import { openCredentials, sealCredentials } from './credentials';

export interface ConnectorFactoryDeps {
  store: Store;
  box: SecretBox;
  metrics: Metrics;
  logger: Logger;
  limiter: RateLimiter;
  registry: ConnectorRegistry;
  /** The request budget of each installation (the one stored with it; installation-rate-policy.ts). */
  ratePolicyFor: (installation: Installation) => RatePolicy;
  /**
   * Shared by all processes for token refreshes (a lock per installation, so a rotated refresh
   * token is spent once). Without it the lock holds inside this process only.
   */
  redis?: Redis;
  /** Key prefix on that Redis (the runtime's BullMQ prefix). */
  prefix?: string;
  /** The app's injected time, handed to the connectors (the wall clock without it). */
  clock?: () => number;
}

/**
 * One connector per installation, built on first use from its sealed credentials through its
 * provider's module. Nothing here knows a vendor: the registry does.
 */
export interface ConnectorFactory {
  (installation: Installation): Promise<CrmConnector>;
  /** Drops the cached connector (the installation was reconnected or disconnected): the next use rebuilds it. */
  forget(installationId: string): void;
}

export function createConnectorFactory(deps: ConnectorFactoryDeps): ConnectorFactory {
  // each connector with the mapping version it was built on: an admin's save in the console (another
  // process, perhaps) makes the next use rebuild it, so the next write-back follows the new mapping
  const connectors = new Map<string, { version: number; connector: Promise<CrmConnector> }>();
  const refreshLock = deps.redis ? createRedisRefreshLock(deps.redis, { prefix: deps.prefix ?? 'leadstage' }) : createLocalRefreshLock();
  const factory = async (installation: Installation) => {
    const version = await deps.store.mappings.currentVersion(installation.id);
    const cached = connectors.get(installation.id);
    if (cached && cached.version === version) return cached.connector;
    const connector = build(deps, installation, refreshLock);
    connector.catch(() => {
      if (connectors.get(installation.id)?.connector === connector) connectors.delete(installation.id);
    });
    connectors.set(installation.id, { version, connector });
    return connector;
  };
  return Object.assign(factory, { forget: (installationId: string) => void connectors.delete(installationId) });
}

async function build(deps: ConnectorFactoryDeps, installation: Installation, refreshLock: RefreshLock): Promise<CrmConnector> {
  const module = deps.registry.get(installation.provider);
  const policy = deps.ratePolicyFor(installation);
  const credentials = await openCredentials(deps.store, deps.box, installation, module.credentialsSchema);
  return module.connect(credentials, {
    installationId: installation.id,
    mappings: await deps.store.mappings.listMappings(installation.id),
    logger: deps.logger,
    // the slot is held until the response is in: see RateLimiter.lease
    async beforeRequest(kind: RequestKind) {
      const lease = await deps.limiter.lease(installation.id, policy, kind);
      deps.metrics.apiCalls.inc({ provider: installation.provider, kind });
      return lease.settle;
    },
    refreshLock,
    credentials: credentialStore(deps, installation, module),
    registerSecret,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}

/** The installation's credentials as they are now in the store, re-sealed on save (rotated tokens). */
function credentialStore<C>(deps: ConnectorFactoryDeps, installation: Installation, module: ConnectorModule<C>) {
  return {
    load: () => openCredentials(deps.store, deps.box, installation, module.credentialsSchema),
    async save(credentials: C) {
      const valid = module.credentialsSchema.parse(credentials);
      await deps.store.installations.setCredentials(installation.workspaceId, installation.id, sealCredentials(deps.box, installation.id, valid));
    },
  };
}
