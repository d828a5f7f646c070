/**
 * The HubSpot connector's webhook capability (ConnectorModule.webhooks). A public app signs its
 * deliveries with its client secret; its id tells our own write-back's echoes apart. Both come from
 * the environment, under the names the OAuth install flow uses for the same app:
 * `HUBSPOT_CLIENT_SECRET` and `HUBSPOT_APP_ID`.
 */
import type { WebhookSetup, WebhookSupport } from '../../../src/connector/webhooks';
import { verifyV3 } from './signature-v3';
import { parseDelivery } from './webhook-events';

export const hubspotWebhooks: WebhookSupport = {
  fromEnvironment(env): WebhookSetup {
    const secret = env.HUBSPOT_CLIENT_SECRET ?? '';
    const appId = env.HUBSPOT_APP_ID ?? '';
    const problems: string[] = [];
    if (secret === '') problems.push('HUBSPOT_CLIENT_SECRET: required to verify webhook signatures (the app\'s client secret)');
    if (appId === '') problems.push('HUBSPOT_APP_ID: required to tell our own changes apart (the app\'s id)');
    else if (!/^\d+$/.test(appId)) problems.push('HUBSPOT_APP_ID: expected the app\'s numeric id');
    if (problems.length > 0) return { configured: false, problems };
    return {
      configured: true,
      secrets: [secret],
      webhooks: {
        verify: (request, now) => verifyV3(secret, request, now),
        parse: (rawBody) => parseDelivery(rawBody, appId),
      },
    };
  },
};
