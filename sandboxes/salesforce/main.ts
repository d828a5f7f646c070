/**
 * Runs the sandbox from a shell:
 *   npx tsx sandboxes/salesforce/main.ts --port 4020 --leads 1000 --contacts 1000
 * Options: --port, --leads, --contacts, --seed, --now, --client-id, --client-secret, --daily,
 * --bulk-jobs-daily, --max-per-window, --window-ms, --max-concurrent, --token-ttl-ms, --bulk-delay-ms,
 * --with-leadstage-fields, --no-metadata, --frozen-clock, and --shared-people <file> to share the people
 * in that JSON file (`{"people": [...]}`, kit/shared-people.ts), e.g. the ones a HubSpot sandbox wrote
 * with --write-shared-people. OAuth: --callback-url <url> (repeatable), --no-session (the authorize page
 * always shows), --separate-hosts [--login-domain login|test|both]. Ctrl-C stops it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { intFlag as int, runSandbox } from '../kit/cli';
import type { SharedPeople } from '../kit/shared-people';
import { startSalesforceSandbox } from './server';

runSandbox(async () => {
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
      'shared-people': { type: 'string' },
      'callback-url': { type: 'string', multiple: true },
      'no-session': { type: 'boolean', default: false },
      'separate-hosts': { type: 'boolean', default: false },
      'login-domain': { type: 'string', default: 'login' },
    },
  });
  const loginDomain = values['login-domain'];
  if (loginDomain !== 'login' && loginDomain !== 'test' && loginDomain !== 'both') throw new Error('--login-domain is login, test or both');
  const maxPerWindow = int('max-per-window', values['max-per-window']);
  const windowMs = int('window-ms', values['window-ms']);
  if ((maxPerWindow === undefined) !== (windowMs === undefined)) throw new Error('--max-per-window and --window-ms go together');
  const sharedFile = values['shared-people'];
  // checked at start like the `shared` option: a bad person throws, naming shared.people[i].field
  const shared = sharedFile === undefined ? undefined : (JSON.parse(readFileSync(sharedFile, 'utf8')) as SharedPeople);
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
    ...(values['callback-url'] ? { callbackUrls: values['callback-url'] } : {}),
    ...(values['no-session'] ? { oauthSession: null } : {}),
    hosts: values['separate-hosts'] ? 'separate' : 'single',
    loginDomain,
  });
  const seed = sandbox.describeSeed();
  const counts = Object.entries(sandbox.seedCounts).map(([k, v]) => `${v} ${k}`).join(', ');
  console.log(`Salesforce sandbox on ${sandbox.url} (seed ${seed.seed}, ready in ${Date.now() - started} ms)`);
  console.log(`  ${counts}`);
  if (shared) console.log(`  ${seed.shared.length} of them are the people of ${sharedFile} (same email and name)`);
  console.log(`  clientId=${sandbox.clientId} clientSecret=${sandbox.clientSecret}`);
  console.log(`  accessToken=${sandbox.accessToken}`);
  console.log(`  refreshToken=${sandbox.refreshToken}`);
  console.log(`  jsforce: new Connection({ instanceUrl: '${sandbox.instanceUrl}', loginUrl: '${sandbox.loginUrl}', version: '${sandbox.apiVersion}', oauth2: { clientId, clientSecret, loginUrl: '${sandbox.loginUrl}' }, accessToken, refreshToken })`);
  if (sandbox.loginUrl !== sandbox.url) console.log(`  login host ${sandbox.loginUrl}, test host ${sandbox.testLoginUrl}, My Domain ${sandbox.instanceUrl}`);
  const authorize = new URLSearchParams({ response_type: 'code', client_id: sandbox.clientId, redirect_uri: sandbox.auth.options.callbackUrls[0]!, prompt: 'consent' });
  console.log(`  authorize: ${sandbox.loginUrl}/services/oauth2/authorize?${authorize}`);
  console.log(`Admin: ${sandbox.url}/__sandbox/stats, /__sandbox/faults, /__sandbox/clock, /__sandbox/limits, /__sandbox/seed, /__sandbox/oauth, POST /__sandbox/tokens`);
  return sandbox;
});
