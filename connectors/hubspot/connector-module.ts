import { z } from 'zod';
import type { ConnectorContext, ConnectorModule, EnvironmentInstallation } from '../../src/connector/connector-module';
import { withSafetyMargin } from '../../src/rate-limit/safety-margin.util';
import { hubspotInstallCapability, requestHubSpotRefresh } from './auth/oauth-app';
import { HubSpotTokenManager } from './auth/token-manager';
import { classifyHubSpotError } from './classify-error';
import { createHubSpotConnector } from './hubspot-connector';
import { HUBSPOT_POLICIES, PRIVATE_APP_POLICIES, type HubSpotPolicyName } from './rate-policies.constant';
import { hubspotWebhooks } from './webhooks/hubspot-webhooks';

/** A private app's token (self-hosted single-portal mode): it never expires, nothing to refresh. */
export const HubSpotPrivateAppCredentialsSchema = z
  .object({
    kind: z.literal('private_app').optional(),
    accessToken: z.string().min(1),
    /** API base URL: https://api.hubapi.com by default, the local sandbox in the demo and tests. */
    basePath: z.url().optional(),
  })
  .strict();

/**
 * A portal that installed the public app (OAuth): the access token lasts 30 minutes and is
 * refreshed before it expires (auth/token-manager.ts); the app's client id and secret are kept
 * with the tokens so any worker can refresh, and a reconnect stores fresh ones.
 */
export const HubSpotOAuthCredentialsSchema = z
  .object({
    kind: z.literal('oauth'),
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
    /** When the access token expires (epoch ms), from the token endpoint's `expires_in`. */
    expiresAt: z.number().int().positive(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** API and token endpoint base URL: https://api.hubapi.com by default, the sandbox in tests. */
    basePath: z.url().optional(),
    /** The portal (hub) id the tokens belong to. */
    hubId: z.string().min(1),
    /** The scopes HubSpot granted. */
    scopes: z.array(z.string()).optional(),
  })
  .strict();

/** What a HubSpot installation needs to call the API: sealed in the store, never logged. */
export const HubSpotCredentialsSchema = z.discriminatedUnion('kind', [HubSpotPrivateAppCredentialsSchema, HubSpotOAuthCredentialsSchema]);
export type HubSpotCredentials = z.infer<typeof HubSpotCredentialsSchema>;
export type HubSpotOAuthCredentials = z.infer<typeof HubSpotOAuthCredentialsSchema>;

/** Our pacing keeps 1% below HubSpot's figures, so a request that lands late never tips a window. */
const POLICIES = Object.fromEntries(Object.entries(HUBSPOT_POLICIES).map(([name, policy]) => [name, withSafetyMargin(policy)]));

export const hubspotConnectorModule: ConnectorModule<HubSpotCredentials> = {
  provider: 'hubspot',
  label: 'HubSpot',
  credentialsSchema: HubSpotCredentialsSchema,
  // no default: the limits follow the app type and the account's tier (rate-policies.constant.ts)
  ratePolicies: POLICIES,
  createsTasks: true,
  recordUrl: (account, objectType, crmId) =>
    objectType === 'contact' ? `https://app.hubspot.com/contacts/${encodeURIComponent(account.externalAccountId)}/record/0-1/${encodeURIComponent(crmId)}` : null,
  classifyError: classifyHubSpotError,
  async connect(credentials, context) {
    context.registerSecret(credentials.accessToken);
    const tokens = credentials.kind === 'oauth' ? tokenManagerOf(credentials, context) : undefined;
    return createHubSpotConnector({
      accessToken: credentials.accessToken,
      ...(credentials.basePath ? { basePath: credentials.basePath } : {}),
      mappings: context.mappings,
      fetchLimiter: context.beforeRequest,
      logger: context.logger,
      ...(tokens ? { tokens } : {}),
    });
  },
  fromEnvironment: hubspotFromEnvironment,
  webhooks: hubspotWebhooks,
  install: hubspotInstallCapability(),
};

/** OAuth: refreshed before expiry, under the installation's refresh lock, re-sealed in the store. */
function tokenManagerOf(credentials: HubSpotOAuthCredentials, context: ConnectorContext<HubSpotCredentials>): HubSpotTokenManager<HubSpotOAuthCredentials> {
  for (const secret of [credentials.refreshToken, credentials.clientSecret]) context.registerSecret(secret);
  return new HubSpotTokenManager<HubSpotOAuthCredentials>({
    installationId: context.installationId,
    initial: credentials,
    lock: context.refreshLock,
    credentials: {
      async load() {
        const stored = await context.credentials.load();
        if (stored.kind !== 'oauth') throw new Error(`installation ${context.installationId} no longer holds OAuth credentials`);
        return stored;
      },
      save: (next) => context.credentials.save(next),
    },
    requestRefresh: requestHubSpotRefresh(credentials),
    registerSecret: context.registerSecret,
  });
}

/**
 * Self-hosted single-portal mode: a private app's token in HUBSPOT_ACCESS_TOKEN. Its rate policy is
 * required in HUBSPOT_RATE_POLICY, one of the private tiers: a private app's limits depend on the
 * account's tier (100 or 190 per 10 s, a daily budget), which a token does not reveal, and the
 * public app's 110 per 10 s is another app type's (above a Starter account's 100).
 */
function hubspotFromEnvironment(env: Readonly<Record<string, string | undefined>>): EnvironmentInstallation<HubSpotCredentials> | null {
  const token = env.HUBSPOT_ACCESS_TOKEN;
  if (!token) return null;
  const basePath = env.HUBSPOT_BASE_URL;
  if (basePath !== undefined && !z.url().safeParse(basePath).success) throw new Error(`HUBSPOT_BASE_URL: expected a URL, got "${basePath}"`);
  const policyName = env.HUBSPOT_RATE_POLICY;
  if (!PRIVATE_APP_POLICIES.includes(policyName as HubSpotPolicyName)) {
    throw new Error(
      `HUBSPOT_RATE_POLICY: ${policyName === undefined || policyName === '' ? 'required with HUBSPOT_ACCESS_TOKEN' : `got "${policyName}"`}; ` +
        `the private app's limits follow the account's tier: ${PRIVATE_APP_POLICIES.join(', ')}`,
    );
  }
  return {
    externalAccountId: env.HUBSPOT_PORTAL_ID ?? 'single-portal',
    displayName: 'HubSpot portal',
    credentials: { accessToken: token, ...(basePath ? { basePath } : {}) },
    ratePolicy: policyName!,
    secrets: [token],
  };
}
