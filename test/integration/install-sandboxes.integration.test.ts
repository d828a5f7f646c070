/**
 * Installing from the CRM against both sandboxes' OAuth servers (their consent and authorize pages,
 * token endpoints, introspection / userinfo and revocation): HubSpot first (a new workspace, the
 * admin signed in), then Salesforce with PKCE from the admin's session, so both land in ONE
 * workspace; the first syncs run; an uninstall in HubSpot pauses the installation until a reconnect
 * lands the held write; disconnecting Salesforce revokes its refresh token.
 */
import './support/native-pglite';
import { PORTAL_USERS, type HubSpotSandbox } from '../../sandboxes/hubspot';
import type { SalesforceSandbox } from '../../sandboxes/salesforce';
import { requestHubSpotRefresh } from '../../connectors/hubspot/auth/oauth-app';
import { hubspotConnectorModule, type HubSpotOAuthCredentials } from '../../connectors/hubspot/connector-module';
import { openCredentials } from '../../src/app/credentials';
import type { Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { Browser } from '../helpers/browser';
import { waitForWork } from '../helpers/queues';
import { startInstallSandboxes, type InstallSandboxes } from './support/install-sandboxes';
import { closeTestRuntime, startRuntime, uniqueRun, unwrittenContacts, waitUntil } from './support/sync-harness';

/** The registered callback host of both sandboxes' apps; the test carries the code to our server itself. */
const PUBLIC_URL = 'http://127.0.0.1';

describe('installing from the sandboxes', () => {
  let sandboxes: InstallSandboxes;
  let hubspot: HubSpotSandbox;
  let salesforce: SalesforceSandbox;
  let runtime: Runtime;
  let serving: Serving;
  let prefix: string;
  let admin: Browser;

  beforeAll(async () => {
    prefix = uniqueRun('install-sandboxes');
    // the apps' default callback URLs (on PUBLIC_URL); the org's authorize page is logged in and approved before
    sandboxes = await startInstallSandboxes();
    ({ hubspot, salesforce } = sandboxes);
    runtime = await startRuntime(hubspot, prefix);
    serving = await serve(runtime, { web: true, worker: true, port: 0, webOptions: { publicUrl: PUBLIC_URL, installEnv: sandboxes.installEnv } });
    admin = new Browser(serving.url!);
  });

  afterAll(async () => {
    // the workers, the web server, the schema (on PostgreSQL) and every key under the prefix
    await closeTestRuntime(runtime, serving);
    await sandboxes?.close();
  });

  /** Our callback URL as the CRM redirected to it → the same path and query on our server. */
  async function deliver(browser: Browser, redirect: string): Promise<Response> {
    const url = new URL(redirect);
    expect(url.origin).toBe(PUBLIC_URL);
    return browser.get(url.pathname + url.search, 'text/html');
  }

  /** Through HubSpot's consent page: checks the link, then "Connect app" as a portal user. */
  async function approveInHubSpot(browser: Browser, path: string, userId = PORTAL_USERS[0]!.id): Promise<Response> {
    const start = await browser.get(path, 'text/html');
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    const consent = await fetch(authorize);
    expect(consent.status).toBe(200); // the sandbox accepted our client id, redirect URI and scopes
    const approved = await fetch(new URL('/oauth/authorize', hubspot.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), user_id: String(userId), approve: '1' }).toString(),
      redirect: 'manual',
    });
    expect(approved.status).toBe(302);
    return deliver(browser, approved.headers.get('location')!);
  }

  it('installs HubSpot through its consent page: a new workspace, the admin signed in, the first sync written back', async () => {
    const done = await approveInHubSpot(admin, '/install/hubspot');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/console');
    const listed = (await (await admin.get('/api/installations')).json()) as { installations: Array<{ provider: string; status: string }> };
    expect(listed.installations).toEqual([expect.objectContaining({ provider: 'hubspot', status: 'active' })]);
    await waitForWork(runtime.queues, 120_000);
    expect(unwrittenContacts(hubspot)).toEqual([]);
    expect(hubspot.oauth.installed).toBe(true);
  });

  it('refreshes a HubSpot token on the sandbox token endpoint with the stored credentials', async () => {
    const [row] = (await runtime.store.db.query<{ id: string; workspace_id: string }>("SELECT id, workspace_id FROM installations WHERE provider = 'hubspot'")).rows;
    const installation = (await runtime.store.installations.get(row!.workspace_id, row!.id))!;
    const credentials = (await openCredentials(runtime.store, runtime.box, installation, hubspotConnectorModule.credentialsSchema)) as HubSpotOAuthCredentials;
    expect(credentials.kind).toBe('oauth');
    const refreshed = await requestHubSpotRefresh(credentials)(credentials.refreshToken);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.expires_in).toBe(1800);
  });

  it('connects Salesforce with PKCE from the admin session into the same workspace', async () => {
    const start = await admin.get('/install/salesforce', 'text/html');
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const redirected = await fetch(authorize, { redirect: 'manual' }); // the sandbox browser is logged in and approved before
    expect(redirected.status).toBe(302);
    const done = await deliver(admin, redirected.headers.get('location')!);
    expect(done.status).toBe(303);
    const listed = (await (await admin.get('/api/installations')).json()) as { installations: Array<{ provider: string; status: string; externalAccountId: string }> };
    expect(listed.installations.map((i) => i.provider).sort()).toEqual(['hubspot', 'salesforce']);
    expect(listed.installations.every((i) => i.status === 'active')).toBe(true);
    expect(listed.installations.find((i) => i.provider === 'salesforce')!.externalAccountId).toBe(salesforce.orgId);
    const workspaces = (await runtime.store.db.query<{ n: number }>('SELECT count(DISTINCT workspace_id)::int AS n FROM installations')).rows[0]!.n;
    expect(workspaces).toBe(1);
    await waitForWork(runtime.queues, 120_000);
  });

  it('an uninstall in HubSpot pauses the installation; reconnecting through the consent page lands the held write', async () => {
    const [row] = (await runtime.store.db.query<{ id: string; workspace_id: string }>("SELECT id, workspace_id FROM installations WHERE provider = 'hubspot'")).rows;
    const { id: installationId, workspace_id: workspaceId } = row!;
    const [personId] = await runtime.store.people.listPersonIds(workspaceId, { installationId, afterId: null, limit: 1 });
    const identity = (await runtime.store.people.listIdentities(workspaceId, personId!)).find((i) => i.installationId === installationId)!;
    hubspot.oauth.uninstall();
    await runtime.store.outbox.enqueueWrites(installationId, [{ personId: personId!, payload: { crmId: identity.crmId, objectType: 'contact', properties: { leadstage_score: '98' }, current: {} }, hash: 'held' }], new Date(runtime.deps.clock()));
    await runtime.enqueue.writeback({ workspaceId, installationId }, 0);
    await waitUntil('needs_reauth', async () => (await runtime.store.installations.getStatus(workspaceId, installationId)) === 'needs_reauth', 30_000);
    expect(await (await admin.get('/console', 'text/html')).text()).toMatch(/reconnect needed/);

    expect((await approveInHubSpot(admin, '/install/hubspot')).status).toBe(303);
    await waitUntil('the held write lands', () => hubspot.store.collection('contacts').get(identity.crmId)?.properties.leadstage_score === '98', 30_000);
    expect(await runtime.store.installations.getStatus(workspaceId, installationId)).toBe('active');
  });

  it('disconnecting Salesforce revokes its refresh token', async () => {
    const listed = (await (await admin.get('/api/installations')).json()) as { installations: Array<{ id: string; provider: string }> };
    const target = listed.installations.find((i) => i.provider === 'salesforce')!;
    const before = salesforce.stats().oauth.revocations;
    const response = await admin.request(`/installations/${target.id}/disconnect`, { method: 'POST', json: {}, csrf: await admin.csrfToken() });
    expect(await response.json()).toMatchObject({ revoked: true, installation: { status: 'disconnected' } });
    expect(salesforce.stats().oauth.revocations).toBe(before + 1);
  });
});
