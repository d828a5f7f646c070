/**
 * Runs the sandbox from a shell:
 *   npx tsx sandboxes/hubspot/main.ts --port 4010 --contacts 2000
 * Options: --port, --contacts, --seed, --now, --token, --tier starter|professional|enterprise,
 * --api-limit-increase 0-2, --window-ms, --max-per-window, --search-max, --daily, --frozen-clock, --write-shared-people <file> [--shared-count 300] to write people of the
 * portal for a Salesforce sandbox to share (its --shared-people <file>), and for the public app
 * --redirect-uri <url> (repeatable), --webhook-url <url> [--webhook-properties a,b] [--installed].
 * Ctrl-C stops it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { intFlag as int, runSandbox } from '../kit/cli';
import { sharePeople } from '../kit/shared-people';
import type { PortalTier } from './rate-limit';
import { startHubSpotSandbox } from './server';

runSandbox(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      contacts: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      token: { type: 'string' },
      tier: { type: 'string', default: 'starter' },
      'api-limit-increase': { type: 'string', default: '0' },
      'window-ms': { type: 'string' },
      'max-per-window': { type: 'string' },
      'search-max': { type: 'string' },
      daily: { type: 'string' },
      'frozen-clock': { type: 'boolean', default: false },
      'write-shared-people': { type: 'string' },
      'shared-count': { type: 'string', default: '300' },
      'redirect-uri': { type: 'string', multiple: true },
      'webhook-url': { type: 'string' },
      'webhook-properties': { type: 'string', default: 'lifecyclestage,hs_lead_status' },
      installed: { type: 'boolean', default: false },
    },
  });
  const webhookUrl = values['webhook-url'];
  const properties = values['webhook-properties'].split(',').map((p) => p.trim()).filter((p) => p !== '');
  const rateLimit = Object.fromEntries(
    Object.entries({
      windowMs: int('window-ms', values['window-ms']),
      maxPerWindow: int('max-per-window', values['max-per-window']),
      searchMax: int('search-max', values['search-max']),
      daily: int('daily', values.daily),
    }).filter(([, v]) => v !== undefined),
  );
  const started = Date.now();
  const sandbox = await startHubSpotSandbox({
    port: int('port', values.port),
    contacts: int('contacts', values.contacts),
    seed: int('seed', values.seed),
    now: values.now,
    token: values.token,
    tier: values.tier as PortalTier,
    apiLimitIncrease: int('api-limit-increase', values['api-limit-increase']),
    rateLimit,
    clock: values['frozen-clock'] ? 'frozen' : 'running',
    warm: true,
    app: {
      installed: values.installed,
      ...(values['redirect-uri'] ? { redirectUris: values['redirect-uri'] } : {}),
    },
    ...(webhookUrl ? {
      webhooks: {
        targetUrl: webhookUrl,
        subscriptions: [
          ...(['contact.creation', 'contact.deletion', 'contact.merge', 'contact.privacyDeletion'] as const).map((subscriptionType) => ({ subscriptionType })),
          ...properties.map((propertyName) => ({ subscriptionType: 'contact.propertyChange' as const, propertyName })),
        ],
      },
    } : {}),
  });
  const seed = sandbox.describeSeed();
  const limits = sandbox.rateLimiter.settings;
  console.log(`HubSpot sandbox on ${sandbox.url} (token "${sandbox.token}", ${seed.contacts} contacts, seed ${seed.seed}, ready in ${Date.now() - started} ms)`);
  console.log(`  private app (${values.tier} portal): ${limits.maxPerWindow} per ${limits.windowMs} ms, ${limits.daily} a day; public app: ${sandbox.oauth.app.rateLimit.maxPerWindow} per ${sandbox.oauth.app.rateLimit.windowMs} ms per installing account`);
  const file = values['write-shared-people'];
  if (file !== undefined) {
    const people = sharePeople(sandbox.store.seed, { count: int('shared-count', values['shared-count'])! });
    writeFileSync(file, `${JSON.stringify({ people }, null, 2)}\n`);
    console.log(`  ${people.length} people to share written to ${file} (every 5th non-showcase contact)`);
  }
  const app = sandbox.oauth.app;
  const install = new URLSearchParams({ client_id: app.clientId, redirect_uri: app.redirectUris[0]!, scope: app.scopes.join(' ') });
  console.log(`Public app "${app.name}" (app ${app.appId}): client id ${app.clientId}, secret ${app.clientSecret}`);
  console.log(`  install: ${sandbox.url}/oauth/authorize?${install}`);
  if (webhookUrl) console.log(`  webhooks to ${webhookUrl} (contacts: creation, deletion, merge, privacyDeletion; propertyChange ${properties.join(', ')})`);
  console.log(`Admin: ${sandbox.url}/__sandbox/stats, /__sandbox/faults, /__sandbox/clock, /__sandbox/seed, /__sandbox/oauth, /__sandbox/webhooks`);
  return sandbox;
});
