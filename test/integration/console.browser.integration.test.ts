/**
 * The admin console in a real browser (playwright-core driving the system's Chromium) against both
 * sandboxes: a person installs HubSpot from the sign-in page and Salesforce from Connections, approving
 * each on the system's consent page; the first syncs run and the stages and rep tasks land in both
 * systems (read back through their own APIs); see both on Connections,
 * pause and resume an installation (its jobs wait, then run), retry a failed job on Sync status,
 * find a person and read what Leadstage knows about them. A screenshot of every page goes to
 * test-output/screenshots/.
 */
import './support/native-pglite';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import type { SalesforceSandbox } from '../../sandboxes/salesforce';
import type { Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { waitForWork } from '../helpers/queues';
import { readHubSpotBack, readSalesforceBack, startInstallSandboxes, type InstallSandboxes } from './support/install-sandboxes';
import { closeTestRuntime } from './support/test-runtime';
import { startRuntime, uniqueRun, waitUntil } from './support/sync-harness';

const SHOTS = 'test-output/screenshots';
const PORTAL_CONTACTS = 120;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the admin console in a browser', () => {
  let sandboxes: InstallSandboxes;
  let hubspot: HubSpotSandbox;
  let salesforce: SalesforceSandbox;
  let runtime: Runtime;
  let serving: Serving;
  let browser: Browser;
  let page: Page;
  let base: string;
  let prefix: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // nobody is logged in to the org's authorize page, so it shows its consent page. Fields the connector
    // creates are visible at once (a profile that grants new fields): this test is about the console;
    // field-level security through the permission set is salesforce-connector-write's
    // (enough contacts that the portal's first sync makes SQLs, so both systems get rep tasks)
    sandboxes = await startInstallSandboxes({ publicUrl: base, hubspot: { contacts: PORTAL_CONTACTS }, salesforce: { oauthSession: null, customFieldAccess: 'edit' } });
    ({ hubspot, salesforce } = sandboxes);
    prefix = uniqueRun('console-browser');
    // the app's clock is injected: it starts at the portal's "now" (the sandboxes' seeded history ends there)
    runtime = await startRuntime(hubspot, prefix);
    serving = await serve(runtime, { web: true, worker: true, port, webOptions: { publicUrl: base, installEnv: sandboxes.installEnv } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    // the workers, the web server, the schema (on PostgreSQL) and every key under the prefix
    await closeTestRuntime(runtime, serving);
    await sandboxes?.close();
  });

  async function installationIdOf(provider: string): Promise<string> {
    return (await runtime.store.db.query<{ id: string }>('SELECT id FROM installations WHERE provider = $1', [provider])).rows[0]!.id;
  }
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  const card = (system: string) => page.locator('section.card[data-installation]', { has: page.locator('h2', { hasText: system }) });

  it('installs HubSpot from the sign-in page and Salesforce from Connections, each approved on its consent page, into one workspace', async () => {
    // signed out, the console sends a person to sign in, where a new company installs from its CRM
    await page.goto(`${base}/console`);
    await page.waitForURL(`${base}/signin**`);
    await shot('00-signin');
    await page.getByRole('link', { name: 'Install Leadstage from HubSpot' }).click();
    await page.waitForURL(`${hubspot.url}/oauth/authorize**`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Connect Leadstage to your HubSpot account/);
    await shot('01-hubspot-consent');
    await page.getByRole('button', { name: 'Connect app' }).click();
    await page.waitForURL(`${base}/console**`);
    await expect(card('HubSpot').getAttribute('data-status')).resolves.toBe('healthy');
    await shot('01b-connections-hubspot');

    await page.getByRole('link', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${salesforce.loginUrl}/services/oauth2/authorize**`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Allow Access?');
    await shot('02-salesforce-consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${base}/console**`);
    await waitForWork(runtime.queues, 120_000);
    await page.reload();
    await expect(card('HubSpot').getAttribute('data-status')).resolves.toBe('healthy');
    await expect(card('Salesforce').getAttribute('data-status')).resolves.toBe('healthy');
    expect(Number((await card('HubSpot').locator('[data-fact=people]').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(Number((await card('Salesforce').locator('[data-fact=people]').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    await expect(card('HubSpot').locator('[data-fact=budget]').textContent()).resolves.toMatch(/requests today/);
    // the progress line shown while a first sync runs is gone once both are done
    await expect(page.locator('section.card[data-installation]', { hasText: 'First sync running' }).count()).resolves.toBe(0);
    await shot('03-connections');
    const workspaces = (await runtime.store.db.query<{ n: number }>('SELECT count(DISTINCT workspace_id)::int AS n FROM installations')).rows[0]!.n;
    expect(workspaces).toBe(1);
  }, 240_000);

  it('the first sync left stages on every person and rep tasks in both systems, as their own APIs read them', async () => {
    const stages = ['lead', 'mql', 'sql', 'opportunity', 'customer', 'nurture', 'disqualified'];
    const inHubSpot = await readHubSpotBack(hubspot);
    expect(inHubSpot.unstaged).toEqual([]);
    expect(inHubSpot.stages.size).toBe(PORTAL_CONTACTS);
    expect([...inHubSpot.stages.values()].filter((stage) => !stages.includes(stage))).toEqual([]);
    const inSalesforce = await readSalesforceBack(salesforce);
    expect(inSalesforce.unstaged).toEqual([]);
    expect(inSalesforce.stages.size).toBeGreaterThan(0);
    expect([...inSalesforce.stages.values()].filter((stage) => !stages.includes(stage))).toEqual([]);
    // a rep task for every task Leadstage says it created, each on a record it staged
    for (const [provider, read] of [['hubspot', inHubSpot], ['salesforce', inSalesforce]] as const) {
      const created = (await runtime.store.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tasks t JOIN installations i ON i.id = t.installation_id WHERE i.provider = $1 AND t.status = 'created'", [provider],
      )).rows[0]!.n;
      expect(created).toBeGreaterThan(0);
      expect(read.tasks).toHaveLength(created);
      expect(read.tasks.filter((task) => task.about === null || !read.stages.has(task.about))).toEqual([]);
    }
  }, 60_000);

  it('maps a HubSpot field to a custom property: refused when wrong, accepted when right, and the next write-back obeys it', async () => {
    const auth = { authorization: `Bearer ${hubspot.token}`, 'content-type': 'application/json' };
    const created = await fetch(`${hubspot.url}/crm/v3/properties/contacts`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'custom_lead_score', label: 'Custom lead score', type: 'number', fieldType: 'number', groupName: 'contactinformation' }) });
    expect(created.status).toBeLessThan(300);
    await card('HubSpot').getByRole('link', { name: 'Field mapping' }).click();
    await page.waitForURL('**/mapping');
    const score = page.locator('tr[data-row="contact.score.leadstage_score"]');
    // wrong: a field that holds dates cannot take the score
    const dateField = await score.locator('select[name$=".crmProperty"] option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value).find((v) => v === 'closedate' || v === 'createdate' || /date/.test(v)));
    await score.locator('select[name$=".crmProperty"]').selectOption(dateField!);
    await page.getByRole('button', { name: 'Check and save' }).click();
    await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/Nothing was saved/);
    await expect(score.locator('.error').textContent()).resolves.toMatch(new RegExp(`${dateField}.*(read-only|holds)`));
    await shot('10-mapping-refused');
    expect(await runtime.store.mappings.listMappings(await installationIdOf('hubspot'))).toEqual([]);
    // right: the custom number property
    await score.locator('select[name$=".crmProperty"]').selectOption('custom_lead_score');
    await page.getByRole('button', { name: 'Check and save' }).click();
    await page.waitForURL('**/mapping?saved=1');
    await shot('11-mapping-saved');
    // the mapping downloads as YAML; a YAML naming a property the portal lacks is refused whole
    const downloaded = await (await page.request.get(`${page.url().split('?')[0]}.yaml`)).text();
    expect(downloaded).toContain('crmProperty: custom_lead_score');
    await page.getByLabel(/Paste a mapping in YAML/).fill(downloaded.replace('crmProperty: custom_lead_score', 'crmProperty: no_such_property'));
    await page.getByRole('button', { name: 'Check and import' }).click();
    await expect(page.locator('#yaml-error').textContent()).resolves.toMatch(/HubSpot has no contact field named “no_such_property”/);
    await shot('11b-mapping-import-refused');
    expect((await runtime.store.mappings.listVersions((await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [await installationIdOf('hubspot')])).rows[0]!.workspace_id, await installationIdOf('hubspot'))).length).toBe(1);
    // the next write-back of a person writes the score to the custom property, no longer to leadstage_score
    const installationId = await installationIdOf('hubspot');
    const [row] = (await runtime.store.db.query<{ person_id: string; crm_id: string; workspace_id: string }>("SELECT person_id, crm_id, workspace_id FROM person_identities WHERE installation_id = $1 AND object_type = 'contact' LIMIT 1", [installationId])).rows;
    const contact = () => hubspot.store.collection('contacts').get(row!.crm_id)!;
    const before = contact().properties.leadstage_score;
    await runtime.enqueue.score([{ workspaceId: row!.workspace_id, personId: row!.person_id }]);
    await waitUntil('the score lands in the custom property', () => Boolean(contact().properties.custom_lead_score), 60_000);
    expect(String(contact().properties.custom_lead_score)).toBe(String(before));
  }, 120_000);

  it('refuses a Salesforce Lead Status option the org does not have, and saves a write policy the writer then obeys', async () => {
    await page.goto(`${base}/console`);
    await card('Salesforce').getByRole('link', { name: 'Field mapping' }).click();
    await page.waitForURL('**/mapping');
    const status = page.locator('tr[data-row="lead.leadStatus.Status"]');
    const newOption = status.locator('input[name$=".values.NEW"]');
    await expect(newOption.inputValue()).resolves.toBe('Open - Not Contacted');
    await newOption.fill('Open - Not Contactd');
    await page.getByRole('button', { name: 'Check and save' }).click();
    await expect(status.locator('.error').textContent()).resolves.toMatch(/“Open - Not Contactd” is not an option of “[^”]*” \(Status\) in Salesforce/);
    await shot('12-mapping-salesforce-refused');
    const installationId = await installationIdOf('salesforce');
    expect(await runtime.store.mappings.listMappings(installationId)).toEqual([]);
    await status.locator('input[name$=".values.NEW"]').fill('Open - Not Contacted');
    await status.locator('select[name$=".writePolicy"]').selectOption('never');
    await page.getByRole('button', { name: 'Check and save' }).click();
    await page.waitForURL('**/mapping?saved=1');
    const [installation] = (await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [installationId])).rows;
    const connector = await runtime.deps.connectorFor((await runtime.store.installations.get(installation!.workspace_id, installationId))!);
    expect(connector.writePolicyFor!('Status')).toBe('never');
  }, 60_000);

  it('pauses an installation (its jobs wait) and resumes it (they run)', async () => {
    await page.goto(`${base}/console`);
    await card('Salesforce').getByRole('button', { name: 'Pause' }).click();
    await page.waitForURL(`${base}/console?done=paused**`);
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/^Salesforce · .*: Paused\./);
    await expect(card('Salesforce').getAttribute('data-status')).resolves.toBe('paused');
    await shot('13-connections-paused');
    const installationId = (await card('Salesforce').getAttribute('data-installation'))!;
    const [row] = (await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [installationId])).rows;
    await runtime.enqueue.writeback({ workspaceId: row!.workspace_id, installationId }, 0);
    // the gate moves the job to delayed instead of running it
    await waitUntil('the writeback job waits', async () => (await runtime.queues.writeback.getDelayed()).some((job) => (job.data as { installationId: string }).installationId === installationId), 30_000);

    await card('Salesforce').getByRole('button', { name: 'Resume' }).click();
    await page.waitForURL(`${base}/console?done=resumed**`);
    await expect(card('Salesforce').getAttribute('data-status')).resolves.toBe('healthy');
    await waitUntil('the waiting job ran', async () => !(await runtime.queues.writeback.getDelayed()).some((job) => (job.data as { installationId: string }).installationId === installationId && !job.repeatJobKey), 30_000);
  }, 120_000);

  it('shows a failed job on Sync status and retries it', async () => {
    const installationId = (await card('HubSpot').getAttribute('data-installation'))!;
    const [row] = (await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [installationId])).rows;
    // a payload this deployment refuses (an unknown field): the job fails at once
    const job = await runtime.queues.tasks.add('tasks', { workspaceId: row!.workspace_id, installationId, unexpected: true }, { attempts: 1 });
    await waitUntil('the job failed', async () => (await job.isFailed()), 30_000);
    await page.goto(`${base}/console/sync`);
    const failedRow = page.locator(`tr[data-job="tasks:${job.id}"]`);
    await expect(failedRow.textContent()).resolves.toMatch(/unexpected|Unrecognized|unrecognized/);
    await shot('14-sync-status-failed');
    // the cause is fixed (a deploy that reads it, here: the payload corrected), then an admin retries it
    await job.updateData({ workspaceId: row!.workspace_id, installationId });
    await failedRow.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL(`${base}/console/sync**`);
    await waitUntil('the retried job completed', async () => (await runtime.queues.tasks.getJob(job.id!))!.isCompleted(), 30_000);
    await page.goto(`${base}/console/sync`);
    await expect(page.locator(`tr[data-job="tasks:${job.id}"]`).count()).resolves.toBe(0);
    await shot('15-sync-status');
  }, 120_000);

  it('finds a person by email and shows their records, decision, history and writes', async () => {
    const [person] = (await runtime.store.db.query<{ email: string }>(
      `SELECT p.email_normalized AS email FROM people p JOIN person_state s ON s.person_id = p.id
        WHERE p.email_normalized IS NOT NULL AND (SELECT count(DISTINCT installation_id) FROM person_identities i WHERE i.person_id = p.id) >= 1
        ORDER BY (SELECT count(*) FROM events e WHERE e.person_id = p.id) DESC LIMIT 1`,
    )).rows;
    await page.goto(`${base}/console/people`);
    await page.getByLabel('Email address').fill('ab');
    await page.getByRole('button', { name: 'Find' }).click();
    await expect(page.locator('#email-error').textContent()).resolves.toMatch(/at least 3 characters/);
    await shot('16-people-search-error');
    await page.getByLabel('Email address').fill(person!.email.slice(0, 6));
    await page.getByRole('button', { name: 'Find' }).click();
    await shot('17-people-search');
    await page.getByRole('link', { name: person!.email }).click();
    await expect(page.locator('#decision [data-fact=stage]').textContent()).resolves.toMatch(/\w+/);
    await expect(page.locator('#identities tbody tr').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#writes').textContent()).resolves.toMatch(/Last confirmed write|Pending/);
    await shot('18-person');
  }, 60_000);
});
