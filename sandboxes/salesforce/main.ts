/**
 * Runs the sandbox from a shell:
 *   npx tsx sandboxes/salesforce/main.ts --port 4020 --leads 1000 --contacts 1000
 * Options: --port, --leads, --contacts, --seed, --now, --client-id, --client-secret, --daily,
 * --bulk-jobs-daily, --max-per-window, --window-ms, --max-concurrent, --token-ttl-ms, --bulk-delay-ms,
 * --with-leadstage-fields, --no-metadata, --frozen-clock, and --shared-from-hubspot-seed <seed>
 * [--shared-count 300] [--shared-hubspot-contacts 2000] to share people with a HubSpot sandbox started
 * with that seed and contact count. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CONTACTS as DEFAULT_HUBSPOT_CONTACTS, SeedPortal } from '../hubspot/seed';
import { sharedFromHubSpot } from './seed-shared';
import { startSalesforceSandbox } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4020' },
      leads: { type: 'string' },
      contacts: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      daily: { type: 'string' },
      'bulk-jobs-daily': { type: 'string' },
      'max-per-window': { type: 'string' },
      'window-ms': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'token-ttl-ms': { type: 'string' },
      'bulk-delay-ms': { type: 'string' },
      'with-leadstage-fields': { type: 'boolean', default: false },
      'no-metadata': { type: 'boolean', default: false },
      'frozen-clock': { type: 'boolean', default: false },
      'shared-from-hubspot-seed': { type: 'string' },
      'shared-count': { type: 'string', default: '300' },
      'shared-hubspot-contacts': { type: 'string', default: String(DEFAULT_HUBSPOT_CONTACTS) },
    },
  });
  const int = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
    return n;
  };
  const maxPerWindow = int('max-per-window', values['max-per-window']);
  const windowMs = int('window-ms', values['window-ms']);
  if ((maxPerWindow === undefined) !== (windowMs === undefined)) throw new Error('--max-per-window and --window-ms go together');
  const hubspotSeed = int('shared-from-hubspot-seed', values['shared-from-hubspot-seed']);
  // the portal's people come from its seed and contact count alone, so no HubSpot sandbox needs to run here
  const shared = hubspotSeed === undefined ? undefined : {
    people: sharedFromHubSpot(new SeedPortal({ seed: hubspotSeed, contacts: int('shared-hubspot-contacts', values['shared-hubspot-contacts']) }), {
      count: int('shared-count', values['shared-count'])!,
    }),
  };
  const started = Date.now();
  const sandbox = await startSalesforceSandbox({
    port: int('port', values.port),
    leads: int('leads', values.leads),
    contacts: int('contacts', values.contacts),
    seed: int('seed', values.seed),
    now: values.now,
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    dailyApiLimit: int('daily', values.daily),
    dailyBulkQueryJobs: int('bulk-jobs-daily', values['bulk-jobs-daily']),
    ...(maxPerWindow !== undefined && windowMs !== undefined ? { rateLimit: { maxPerWindow, windowMs } } : {}),
    maxConcurrent: int('max-concurrent', values['max-concurrent']),
    accessTokenTtlMs: int('token-ttl-ms', values['token-ttl-ms']),
    bulkJobDelayMs: int('bulk-delay-ms', values['bulk-delay-ms']),
    withLeadstageFields: values['with-leadstage-fields'],
    allowMetadata: !values['no-metadata'],
    clock: values['frozen-clock'] ? 'frozen' : 'running',
    ...(shared ? { shared } : {}),
  });
  const seed = sandbox.describeSeed();
  const counts = Object.entries(sandbox.seedCounts).map(([k, v]) => `${v} ${k}`).join(', ');
  console.log(`Salesforce sandbox on ${sandbox.url} (seed ${seed.seed}, ready in ${Date.now() - started} ms)`);
  console.log(`  ${counts}`);
  if (shared) console.log(`  ${seed.shared.length} of them are people of the HubSpot sandbox with seed ${hubspotSeed} (same email and name)`);
  console.log(`  clientId=${sandbox.clientId} clientSecret=${sandbox.clientSecret}`);
  console.log(`  accessToken=${sandbox.accessToken}`);
  console.log(`  refreshToken=${sandbox.refreshToken}`);
  console.log(`  jsforce: new Connection({ instanceUrl: '${sandbox.url}', loginUrl: '${sandbox.url}', version: '${sandbox.apiVersion}', oauth2: { clientId, clientSecret, loginUrl: '${sandbox.url}' }, accessToken, refreshToken })`);
  console.log(`Admin: ${sandbox.url}/__sandbox/stats, /__sandbox/faults, /__sandbox/clock, /__sandbox/limits, /__sandbox/seed, POST /__sandbox/tokens`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
