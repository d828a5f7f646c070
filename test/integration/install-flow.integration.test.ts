/**
 * Installing from HubSpot end to end, on the HubSpot sandbox behind a stand-in for HubSpot's OAuth
 * endpoints (test/helpers/fake-hubspot-oauth.ts): the install link, the callback (state checks,
 * code exchange, the installation created in a new workspace, the admin signed in), the first sync,
 * a second system joining the same workspace, sign-in, a revoked token pausing the installation
 * until a reconnect resumes it with nothing lost, and a disconnect that revokes and stops all work.
 */
import './support/native-pglite';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import type { Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { Browser } from '../helpers/browser';
import { waitForWork } from '../helpers/queues';
import { startFakeHubSpotOAuth, type FakeHubSpotOAuth } from '../helpers/fake-hubspot-oauth';
import { closeTestRuntime, startRuntime, startSandbox, uniqueRun, unwrittenContacts, waitUntil } from './support/sync-harness';

const APP = { clientId: 'leadstage-client-id', clientSecret: 'leadstage-client-secret-value', appId: 31337 };
const ADMIN = { hubId: 4242, userId: 7, email: 'Admin@Acme.example' };

describe('installing from HubSpot', () => {
  let sandbox: HubSpotSandbox;
  let front: FakeHubSpotOAuth;
  let runtime: Runtime;
  let serving: Serving;
  let prefix: string;
  let admin: Browser;
  let installationId: string;
  let workspaceId: string;

  beforeAll(async () => {
    prefix = uniqueRun('install');
    sandbox = await startSandbox({ contacts: 40 });
    front = await startFakeHubSpotOAuth({ sandboxUrl: sandbox.url, sandboxToken: sandbox.token, ...APP });
    runtime = await startRuntime(sandbox, prefix);
    serving = await serve(runtime, {
      web: true,
      worker: true,
      port: 0,
      webOptions: {
        installEnv: {
          HUBSPOT_CLIENT_ID: APP.clientId,
          HUBSPOT_CLIENT_SECRET: APP.clientSecret,
          HUBSPOT_APP_ID: String(APP.appId),
          HUBSPOT_OAUTH_BASE_URL: front.url,
          HUBSPOT_API_BASE_URL: front.url,
        },
      },
    });
    admin = new Browser(serving.url!);
  });

  afterAll(async () => {
    // the workers, the web server, the schema (on PostgreSQL) and every key under the prefix
    await closeTestRuntime(runtime, serving);
    await front?.close();
    await sandbox?.close();
  });

  /** Follows the install (or sign-in) link to the consent page and returns the state it carries. */
  async function begin(browser: Browser, path = '/install/hubspot'): Promise<{ state: string; location: URL }> {
    const response = await browser.get(path, 'text/html');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    return { state: location.searchParams.get('state')!, location };
  }

  async function callback(browser: Browser, code: string, state: string): Promise<Response> {
    return browser.get(`/oauth/hubspot/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, 'text/html');
  }

  it('sends the admin to HubSpot with the scopes, our callback and a signed state', async () => {
    const { location, state } = await begin(admin);
    expect(location.origin + location.pathname).toBe(`${front.url}/oauth/authorize`);
    expect(location.searchParams.get('client_id')).toBe(APP.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${serving.url}/oauth/hubspot/callback`);
    expect(location.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write']));
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(admin.cookies.has('leadstage_oauth')).toBe(true);
  });

  it('on the callback connects the portal in a new workspace, signs the installing user in, and syncs', async () => {
    const { state } = await begin(admin);
    front.codes.set('code-install', ADMIN);
    const response = await callback(admin, 'code-install', state);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console');
    expect(admin.cookies.has('leadstage_session')).toBe(true);
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('leadstage_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const listed = (await (await admin.get('/api/installations')).json()) as { installations: Array<{ id: string; status: string; externalAccountId: string }> };
    expect(listed.installations).toEqual([expect.objectContaining({ externalAccountId: '4242', status: 'active' })]);
    installationId = listed.installations[0]!.id;
    const installation = (await runtime.store.installations.findByExternalAccount('hubspot', '4242'))!;
    workspaceId = installation.workspaceId;
    expect(installation.ratePolicy).toBe('publicApp');
    const members = (await (await admin.get('/api/members')).json()) as { members: Array<{ email: string; role: string }> };
    expect(members.members).toEqual([expect.objectContaining({ email: 'admin@acme.example', role: 'admin' })]);
    // the tokens are sealed, never stored in the clear
    const { rows } = await runtime.store.db.query<{ sealed: string }>('SELECT credentials_sealed AS sealed FROM installations WHERE id = $1', [installationId]);
    expect(rows[0]!.sealed).not.toContain('fake-access');

    await waitForWork(runtime.queues, 120_000);
    expect(unwrittenContacts(sandbox)).toEqual([]);
    expect(await runtime.queues.sync.getJobScheduler(`sync-${installationId}`)).toBeTruthy();
  });

  it('refuses a tampered, a reused, an expired state and one from another browser, with a clear page', async () => {
    const tampered = await begin(admin);
    const [nonce, mac] = tampered.state.split('.') as [string, string];
    const flipped = `${nonce}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    let response = await callback(admin, 'any', flipped);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/does not verify/);

    // a state is single use: the first callback spends it (here on a code HubSpot refuses), the second finds nothing
    const reused = await begin(admin);
    response = await callback(admin, 'unknown-code', reused.state);
    expect(response.status).toBe(502);
    admin.cookies.set('leadstage_oauth', reused.state.split('.')[0]!);
    response = await callback(admin, 'unknown-code', reused.state);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/already used/);

    const expired = await begin(admin);
    await runtime.store.db.query(`UPDATE oauth_states SET expires_at = now() - interval '1 minute'`);
    response = await callback(admin, 'any', expired.state);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/expired/);

    const elsewhere = await begin(admin);
    const stranger = new Browser(serving.url!);
    response = await callback(stranger, 'any', elsewhere.state);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/another browser/);
  });

  it('answers a malformed callback with the field and its problem, never echoing the code', async () => {
    const response = await admin.get('/oauth/hubspot/callback?code=secret-code-value');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; errors: Array<{ path: string; message: string; value?: unknown }> } };
    expect(body.error.code).toBe('invalid_request');
    expect(JSON.stringify(body)).not.toContain('secret-code-value');
  });

  it('puts a second system in the same workspace when the signed-in admin connects it', async () => {
    const { state } = await begin(admin);
    front.codes.set('code-second', { hubId: 5151, userId: 8, email: 'second@acme.example' });
    expect((await callback(admin, 'code-second', state)).status).toBe(303);
    const second = (await runtime.store.installations.findByExternalAccount('hubspot', '5151'))!;
    expect(second.workspaceId).toBe(workspaceId);
    const listed = (await (await admin.get('/api/installations')).json()) as { installations: unknown[] };
    expect(listed.installations).toHaveLength(2);
    await waitForWork(runtime.queues, 120_000);
  });

  it('signs a member in with HubSpot and refuses a user who belongs to no workspace', async () => {
    const member = new Browser(serving.url!);
    const { location, state } = await begin(member, '/signin/hubspot');
    expect(location.searchParams.get('optional_scope')).toBeNull();
    front.codes.set('code-signin', ADMIN);
    expect((await callback(member, 'code-signin', state)).status).toBe(303);
    expect((await member.get('/api/installations')).status).toBe(200);

    const outsider = new Browser(serving.url!);
    const other = await begin(outsider, '/signin/hubspot');
    front.codes.set('code-outsider', { hubId: 9999, userId: 99, email: 'nobody@elsewhere.example' });
    const refused = await callback(outsider, 'code-outsider', other.state);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/not a member of a Leadstage workspace/);
    expect(outsider.cookies.has('leadstage_session')).toBe(false);
  });

  it('pauses on a revoked token, says so on the console, and resumes on reconnect with the pending write landing', async () => {
    const [personId] = await runtime.store.people.listPersonIds(workspaceId, { installationId, afterId: null, limit: 1 });
    const identity = (await runtime.store.people.listIdentities(workspaceId, personId!)).find((i) => i.installationId === installationId)!;
    front.revokePortal(ADMIN.hubId); // the admin uninstalled the app in HubSpot
    const write = { crmId: identity.crmId, objectType: 'contact', properties: { leadstage_score: '99' }, current: {} };
    await runtime.store.outbox.enqueueWrites(installationId, [{ personId: personId!, payload: write, hash: 'after-revoke' }], new Date(runtime.deps.clock()));
    await runtime.enqueue.writeback({ workspaceId, installationId }, 0);

    await waitUntil('installation needs_reauth', async () => (await runtime.store.installations.getStatus(workspaceId, installationId)) === 'needs_reauth', 30_000);
    expect((await runtime.store.outbox.outboxBacklog(installationId)).pending).toBe(1);
    expect(await runtime.queues.writeback.getFailedCount()).toBe(0);
    const console = await (await admin.get('/console', 'text/html')).text();
    expect(console).toMatch(/data-status="needs_reauth"/);
    expect(console).toMatch(/reconnect needed/);
    expect(console).toContain('href="/install/hubspot"');

    const { state } = await begin(admin);
    front.codes.set('code-reconnect', ADMIN);
    expect((await callback(admin, 'code-reconnect', state)).status).toBe(303);
    const again = (await runtime.store.installations.findByExternalAccount('hubspot', '4242'))!;
    expect(again.id).toBe(installationId);
    expect(again.status).toBe('active');
    await waitUntil('the pending write lands', () => sandbox.store.collection('contacts').get(identity.crmId)?.properties.leadstage_score === '99', 30_000);
    await waitForWork(runtime.queues, 60_000);
    expect((await runtime.store.outbox.outboxBacklog(installationId)).pending).toBe(0);
  });

  it('disconnects: revokes the tokens, removes the schedule and skips pending work', async () => {
    const csrf = await admin.csrfToken();
    const withoutToken = await admin.request(`/installations/${installationId}/disconnect`, { method: 'POST', json: {} });
    expect(withoutToken.status).toBe(403);
    const revokesBefore = front.counts.revoke;
    const response = await admin.request(`/installations/${installationId}/disconnect`, { method: 'POST', json: {}, csrf });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ revoked: true, installation: { status: 'disconnected' } });
    expect(front.counts.revoke).toBe(revokesBefore + 1);
    expect(await runtime.queues.sync.getJobScheduler(`sync-${installationId}`)).toBeFalsy();
    const installation = (await runtime.store.installations.get(workspaceId, installationId))!;
    expect(installation.hasCredentials).toBe(false);

    const calls = sandbox.stats().requests.total;
    await runtime.enqueue.sync({ workspaceId, installationId, stream: 'contacts', then: [] });
    await waitForWork(runtime.queues, 30_000);
    expect(sandbox.stats().requests.total).toBe(calls);
  });
});
