import { z } from 'zod';
import type { ConnectorModule, EnvironmentInstallation } from '../../src/connector/connector-module';
import { withSafetyMargin } from '../../src/rate-limit/safety-margin.util';
import { classifyHubSpotError } from './classify-error';
import { createHubSpotConnector } from './hubspot-connector';
import { HUBSPOT_POLICIES, PRIVATE_APP_POLICIES, type HubSpotPolicyName } from './rate-policies.constant';
import { hubspotWebhooks } from './webhooks/hubspot-webhooks';

/** What a HubSpot installation needs to call the API: sealed in the store, never logged. */
export const HubSpotCredentialsSchema = z
  .object({
    accessToken: z.string().min(1),
    /** API base URL: https://api.hubapi.com by default, the local sandbox in the demo and tests. */
    basePath: z.url().optional(),
  })
  .strict();
export type HubSpotCredentials = z.infer<typeof HubSpotCredentialsSchema>;

/** Our pacing keeps 1% below HubSpot's figures, so a request that lands late never tips a window. */
const POLICIES = Object.fromEntries(Object.entries(HUBSPOT_POLICIES).map(([name, policy]) => [name, withSafetyMargin(policy)]));

export const hubspotConnectorModule: ConnectorModule<HubSpotCredentials> = {
  provider: 'hubspot',
  label: 'HubSpot',
  credentialsSchema: HubSpotCredentialsSchema,
  // no default: the limits follow the app type and the account's tier (rate-policies.constant.ts)
  ratePolicies: POLICIES,
  createsTasks: true,
  classifyError: classifyHubSpotError,
  async connect(credentials, context) {
    context.registerSecret(credentials.accessToken);
    return createHubSpotConnector({
      accessToken: credentials.accessToken,
      ...(credentials.basePath ? { basePath: credentials.basePath } : {}),
      mappings: context.mappings,
      fetchLimiter: context.beforeRequest,
      logger: context.logger,
    });
  },
  fromEnvironment: hubspotFromEnvironment,
  webhooks: hubspotWebhooks,
};

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
