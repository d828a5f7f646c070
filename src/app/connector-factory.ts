import type { Redis } from 'ioredis';
import { createHubSpotConnector } from '../../connectors/hubspot';
import { createLocalRefreshLock, createRedisRefreshLock, createSalesforceConnector, type RefreshLock, type TokenStore } from '../../connectors/salesforce';
import type { Logger } from '../log/logger';
import { registerSecret } from '../log/redact';
import type { Metrics } from '../metrics/metrics';
import type { RateLimiter, RatePolicy, RequestKind } from '../rate-limit';
import type { Installation, Provider, SecretBox, Store } from '../store';
import type { CrmConnector } from '../sync/crm-connector';
import { asSalesforceCredentials, openCredentials, sealCredentials, type CrmCredentials } from './credentials';

export interface ConnectorFactoryDeps {
  store: Store;
  box: SecretBox;
  metrics: Metrics;
  logger: Logger;
  limiter: RateLimiter;
  ratePolicies: Partial<Record<Provider, RatePolicy>>;
  /**
   * Shared by all processes for Salesforce token refreshes (a lock per installation, so a rotated
   * refresh token is spent once). Without it the lock holds inside this process only.
   */
  redis?: Redis;
  /** Key prefix on that Redis (the runtime's BullMQ prefix). */
  prefix?: string;
}

interface BuildContext {
  installation: Installation;
  store: Store;
  box: SecretBox;
  logger: Logger;
  /** Waits for the installation's shared request budget, counts the call, and gives what to call when its response is in. */
  beforeRequest: (kind: RequestKind) => Promise<() => Promise<void>>;
  refreshLock: RefreshLock;
}

type Build = (credentials: CrmCredentials, context: BuildContext) => Promise<CrmConnector>;

/** Provider differences are data: one builder per system (Marketo, Pardot come later). */
const BUILDERS: Partial<Record<Provider, Build>> = {
  hubspot: async (credentials, { installation, store, logger, beforeRequest }) =>
    createHubSpotConnector({
      accessToken: credentials.accessToken,
      ...(credentials.basePath ? { basePath: credentials.basePath } : {}),
      mappings: await store.mappings.listMappings(installation.id),
      fetchLimiter: beforeRequest,
      logger,
    }),
  salesforce: async (credentials, { installation, store, box, logger, beforeRequest, refreshLock }) => {
    const sf = asSalesforceCredentials(credentials, installation.id);
    for (const secret of [sf.accessToken, sf.refreshToken, sf.clientSecret]) registerSecret(secret);
    return createSalesforceConnector({
      installationId: installation.id,
      api: {
        instanceUrl: sf.instanceUrl,
        ...(sf.loginUrl ? { loginUrl: sf.loginUrl } : {}),
        ...(sf.apiVersion ? { version: sf.apiVersion } : {}),
        clientId: sf.clientId,
        ...(sf.clientSecret ? { clientSecret: sf.clientSecret } : {}),
        accessToken: sf.accessToken,
        refreshToken: sf.refreshToken,
        tokenStore: sealedTokenStore(store, box, installation),
        refreshLock,
        // REST and Bulk 2.0 calls draw on the same org budget: one window (rate-limit/salesforce-policies.constant.ts)
        fetchLimiter: () => beforeRequest('standard'),
      },
      mappings: await store.mappings.listMappings(installation.id),
      logger,
    });
  },
};

/**
 * The installation's current Salesforce tokens, read from and re-sealed into its credentials in the
 * store, so every worker process sees a rotated refresh token (called under the refresh lock).
 */
function sealedTokenStore(store: Store, box: SecretBox, installation: Installation): TokenStore {
  const open = async () => asSalesforceCredentials(await openCredentials(store, box, installation), installation.id);
  return {
    async load() {
      const c = await open();
      return { accessToken: c.accessToken, refreshToken: c.refreshToken, instanceUrl: c.instanceUrl };
    },
    async save(tokens) {
      registerSecret(tokens.accessToken);
      registerSecret(tokens.refreshToken);
      const c = await open();
      const next = { ...c, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, ...(tokens.instanceUrl ? { instanceUrl: tokens.instanceUrl } : {}) };
      await store.installations.setCredentials(installation.workspaceId, installation.id, sealCredentials(box, installation.id, next));
    },
  };
}

/** One connector per installation, built on first use from its sealed credentials. */
export function createConnectorFactory(deps: ConnectorFactoryDeps): (installation: Installation) => Promise<CrmConnector> {
  const connectors = new Map<string, Promise<CrmConnector>>();
  const refreshLock = deps.redis ? createRedisRefreshLock(deps.redis, { prefix: deps.prefix ?? 'leadstage' }) : createLocalRefreshLock();
  return (installation) => {
    let connector = connectors.get(installation.id);
    if (!connector) {
      const build = BUILDERS[installation.provider];
      const policy = deps.ratePolicies[installation.provider];
      if (!build || !policy) return Promise.reject(new Error(`no connector for provider "${installation.provider}" yet`));
      // the slot is held until the response is in: see RateLimiter.lease
      const beforeRequest = async (kind: RequestKind) => {
        const lease = await deps.limiter.lease(installation.id, policy, kind);
        deps.metrics.apiCalls.inc({ provider: installation.provider, kind });
        return lease.settle;
      };
      connector = openCredentials(deps.store, deps.box, installation).then((credentials) =>
        build(credentials, { installation, store: deps.store, box: deps.box, logger: deps.logger, beforeRequest, refreshLock }),
      );
      connector.catch(() => connectors.delete(installation.id));
      connectors.set(installation.id, connector);
    }
    return connector;
  };
}
