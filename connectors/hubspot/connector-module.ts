import { z } from 'zod';
import type { ConnectorModule, EnvironmentInstallation } from '../../src/connector/connector-module';
import { withSafetyMargin } from '../../src/rate-limit/safety-margin.util';
import { classifyHubSpotError } from './classify-error';
import { createHubSpotConnector } from './hubspot-connector';
import { HUBSPOT_POLICIES, type HubSpotPolicyName } from './rate-policies.constant';
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
  ratePolicies: POLICIES,
  defaultRatePolicy: POLICIES.publicApp!,
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
 * chosen explicitly with HUBSPOT_RATE_POLICY (a private app's limits depend on the account's tier,
 * which a token does not reveal); without it the public-app figure (110 per 10 s) applies.
 */
function hubspotFromEnvironment(env: Readonly<Record<string, string | undefined>>): EnvironmentInstallation<HubSpotCredentials> | null {
  const token = env.HUBSPOT_ACCESS_TOKEN;
  if (!token) return null;
  const basePath = env.HUBSPOT_BASE_URL;
  if (basePath !== undefined && !z.url().safeParse(basePath).success) throw new Error(`HUBSPOT_BASE_URL: expected a URL, got "${basePath}"`);
  const policyName = env.HUBSPOT_RATE_POLICY;
  if (policyName !== undefined && !(policyName in POLICIES)) {
    throw new Error(`HUBSPOT_RATE_POLICY: expected one of ${Object.keys(POLICIES).join(', ')}, got "${policyName}"`);
  }
  return {
    externalAccountId: env.HUBSPOT_PORTAL_ID ?? 'single-portal',
    displayName: 'HubSpot portal',
    credentials: { accessToken: token, ...(basePath ? { basePath } : {}) },
    ...(policyName ? { ratePolicy: POLICIES[policyName as HubSpotPolicyName]! } : {}),
    secrets: [token],
  };
}
