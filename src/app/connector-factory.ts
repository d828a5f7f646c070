import { createHubSpotConnector } from '../../connectors/hubspot';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { RateLimiter, RatePolicy, RequestKind } from '../rate-limit';
import type { Installation, Provider, SecretBox, Store } from '../store';
import type { CrmConnector } from '../sync/crm-connector';
import { openCredentials, type CrmCredentials } from './credentials';

export interface ConnectorFactoryDeps {
  store: Store;
  box: SecretBox;
  metrics: Metrics;
  logger: Logger;
  limiter: RateLimiter;
  ratePolicies: Partial<Record<Provider, RatePolicy>>;
}

interface BuildContext {
  installation: Installation;
  store: Store;
  logger: Logger;
  /** Waits for the installation's shared request budget, then counts the call. */
  beforeRequest: (kind: RequestKind) => Promise<void>;
}

type Build = (credentials: CrmCredentials, context: BuildContext) => Promise<CrmConnector>;

/** Provider differences are data: one builder per system (Salesforce, Marketo, Pardot come later). */
const BUILDERS: Partial<Record<Provider, Build>> = {
  hubspot: async (credentials, { installation, store, logger, beforeRequest }) =>
    createHubSpotConnector({
      accessToken: credentials.accessToken,
      ...(credentials.basePath ? { basePath: credentials.basePath } : {}),
      mappings: await store.mappings.listMappings(installation.id),
      fetchLimiter: beforeRequest,
      logger,
    }),
};

/** One connector per installation, built on first use from its sealed credentials. */
export function createConnectorFactory(deps: ConnectorFactoryDeps): (installation: Installation) => Promise<CrmConnector> {
  const connectors = new Map<string, Promise<CrmConnector>>();
  return (installation) => {
    let connector = connectors.get(installation.id);
    if (!connector) {
      const build = BUILDERS[installation.provider];
      const policy = deps.ratePolicies[installation.provider];
      if (!build || !policy) return Promise.reject(new Error(`no connector for provider "${installation.provider}" yet`));
      const beforeRequest = async (kind: RequestKind) => {
        await deps.limiter.acquire(installation.id, policy, kind);
        deps.metrics.apiCalls.inc({ provider: installation.provider, kind });
      };
      connector = openCredentials(deps.store, deps.box, installation).then((credentials) =>
        build(credentials, { installation, store: deps.store, logger: deps.logger, beforeRequest }),
      );
      connector.catch(() => connectors.delete(installation.id));
      connectors.set(installation.id, connector);
    }
    return connector;
  };
}
