import { z } from 'zod';
import type { ConnectorContext, ConnectorModule } from '../../src/connector/connector-module';
import { salesforceInstallCapability } from './auth/oauth-app';
import type { TokenStore } from './auth/token-store';
import { classifySalesforceError } from './classify-error';
import { DEFAULT_SALESFORCE_POLICY, SALESFORCE_POLICIES } from './rate-policies.constant';
import { createSalesforceConnector } from './salesforce-connector';

/**
 * An org connected through the connected app (OAuth web-server flow). The access and refresh tokens
 * rotate: the connector re-seals the latest pair after each refresh (see `tokenStoreOf`).
 */
export const SalesforceCredentialsSchema = z
  .object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
    /** `https://<my-domain>.my.salesforce.com` (the token response's `instance_url`), or the sandbox. */
    instanceUrl: z.url(),
    /** Token endpoint host: https://login.salesforce.com, https://test.salesforce.com for a sandbox org. */
    loginUrl: z.url().optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    /** REST API version, e.g. "62.0" (default in the connector). */
    apiVersion: z.string().regex(/^\d+\.\d$/).optional(),
  })
  .strict();
export type SalesforceCredentials = z.infer<typeof SalesforceCredentialsSchema>;

export const salesforceConnectorModule: ConnectorModule<SalesforceCredentials> = {
  provider: 'salesforce',
  label: 'Salesforce',
  credentialsSchema: SalesforceCredentialsSchema,
  ratePolicies: SALESFORCE_POLICIES,
  defaultRatePolicy: DEFAULT_SALESFORCE_POLICY,
  createsTasks: true,
  // a record id after the login host opens that record once signed in to the org
  recordUrl: (_account, _objectType, crmId) => `https://login.salesforce.com/${encodeURIComponent(crmId)}`,
  classifyError: classifySalesforceError,
  async connect(credentials, context) {
    for (const secret of [credentials.accessToken, credentials.refreshToken, credentials.clientSecret]) context.registerSecret(secret);
    return createSalesforceConnector({
      installationId: context.installationId,
      api: {
        instanceUrl: credentials.instanceUrl,
        ...(credentials.loginUrl ? { loginUrl: credentials.loginUrl } : {}),
        ...(credentials.apiVersion ? { version: credentials.apiVersion } : {}),
        clientId: credentials.clientId,
        ...(credentials.clientSecret ? { clientSecret: credentials.clientSecret } : {}),
        accessToken: credentials.accessToken,
        refreshToken: credentials.refreshToken,
        tokenStore: tokenStoreOf(context),
        refreshLock: context.refreshLock,
        // REST and Bulk 2.0 calls draw on the same org budget: one window (rate-policies.constant.ts)
        fetchLimiter: () => context.beforeRequest('standard'),
        // token ages on the app's time; the daily budget's waits stay on the wall clock they are slept on
        ...(context.clock ? { sessionClock: context.clock } : {}),
      },
      mappings: context.mappings,
      logger: context.logger,
    });
  },
  install: salesforceInstallCapability(),
};

/**
 * The installation's current tokens, read from and re-sealed into its credentials in the store, so
 * every worker process sees a rotated refresh token (called under the refresh lock).
 */
function tokenStoreOf(context: ConnectorContext<SalesforceCredentials>): TokenStore {
  return {
    async load() {
      const c = await context.credentials.load();
      return { accessToken: c.accessToken, refreshToken: c.refreshToken, instanceUrl: c.instanceUrl };
    },
    async save(tokens) {
      context.registerSecret(tokens.accessToken);
      context.registerSecret(tokens.refreshToken);
      const c = await context.credentials.load();
      await context.credentials.save({ ...c, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, ...(tokens.instanceUrl ? { instanceUrl: tokens.instanceUrl } : {}) });
    },
  };
}
