/**
 * The admin console in a real browser (playwright-core driving the system's Chromium) against both
 * sandboxes, the Salesforce org as strict as a real one (field-level security per user): install
 * HubSpot and Salesforce through their consent pages, see both on Connections; map a HubSpot field to
 * a custom property and a Salesforce Lead Status value, each refused when wrong (nothing saved) and
 * accepted when right, then obeyed by the next write-back in the sandbox; import a mapping as a pasted
 * or uploaded YAML file; delete a mapped field in Salesforce and see the other fields written and the
 * problem on Connections with its fix; pause and resume an installation (its jobs wait, then run),
 * retry a failed job on Sync status, find a person and read what Leadstage knows about them. A
 * screenshot of every page goes to test-output/screenshots/. After the install, the first syncs'
 * stages and rep tasks are read back from both systems through their own APIs.
 */
import './support/native-pglite';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { HubSpotSandbox } from '../../sandboxes/hubspot';
import { USERS, type SalesforceSandbox } from '../../sandboxes/salesforce';
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
    // nobody is logged in to the org's authorize page, so it shows its consent page; the org is as
    // strict as a real one: fields the connector creates are visible to the user who approves the app
    // only through the permission set the connector assigns to that user
    // (enough contacts that the portal's first sync makes SQLs, so both systems get rep tasks)
    sandboxes = await startInstallSandboxes({ publicUrl: base, hubspot: { contacts: PORTAL_CONTACTS }, salesforce: { oauthSession: null } });
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
    // a strict org: the fields Leadstage created are visible to the user who approved the app (a sales
    // manager, not the integration user) only through the permission set setup assigned to that user
    const approver = USERS.find((u) => u.username.startsWith('dana.whitfield@'))!;
    const assignees = [...salesforce.store.rows('PermissionSetAssignment', { includeDeleted: false })].map((r) => r.AssigneeId);
    expect(assignees).toContain(approver.id);
    expect(assignees).not.toContain(salesforce.userId);
    const salesforceId = await installationIdOf('salesforce');
    const [{ workspace_id: workspaceId }] = (await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [salesforceId])).rows as [{ workspace_id: string }];
    expect(await runtime.store.problems.list(workspaceId, salesforceId)).toEqual([]);
    await expect(card('Salesforce').locator('[data-problem]').count()).resolves.toBe(0);
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
    // as the user who approved the app: the org shows Leadstage's fields only to whom its permission set was assigned
    const approver = USERS.find((u) => u.username.startsWith('dana.whitfield@'))!;
    const inSalesforce = await readSalesforceBack(salesforce, approver.id);
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
    await card('HubSpot').getByRole('link', { name: 'Field mapping', exact: true }).click();
    await page.waitForURL('**/mapping');
    const score = page.locator('tr[data-row="contact.score.leadstage_score"]');
    // wrong: a field that holds dates cannot take the score
    const dateField = await score.locator('select[name$=".crmProperty"] option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value).find((v) => v === 'closedate' || v === 'createdate' || /date/.test(v)));
    await score.locator('select[name$=".crmProperty"]').selectOption(dateField!);
    await page.getByRole('button', { name: 'Check and save' }).click();
    // the one problem is the field chosen: the shipped defaults on every other row check clean
    await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/Nothing was saved: 1 problem/);
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
    await page.getByLabel(/paste a mapping in YAML/i).fill(downloaded.replace('crmProperty: custom_lead_score', 'crmProperty: no_such_property'));
    await page.getByRole('button', { name: 'Check and import', exact: true }).click();
    await expect(page.locator('#yaml-error').textContent()).resolves.toMatch(/HubSpot has no contact field named “no_such_property”/);
    await shot('11b-mapping-import-refused');
    const versions = async () => (await runtime.store.mappings.listVersions((await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [await installationIdOf('hubspot')])).rows[0]!.workspace_id, await installationIdOf('hubspot'))).length;
    expect(await versions()).toBe(1);
    // the same YAML as a file: no file chosen, then one naming a property the portal lacks, are refused in words
    await page.getByRole('button', { name: 'Check and import the file' }).click();
    await expect(page.locator('#yaml-error').textContent()).resolves.toMatch(/Choose a YAML file to upload/);
    await page.getByLabel('Upload a mapping file (.yaml)').setInputFiles({ name: 'hubspot-mapping.yaml', mimeType: 'application/yaml', buffer: Buffer.from(downloaded.replace('crmProperty: custom_lead_score', 'crmProperty: no_such_property')) });
    await page.getByRole('button', { name: 'Check and import the file' }).click();
    await expect(page.locator('#yaml-error').textContent()).resolves.toMatch(/Nothing was imported from “hubspot-mapping\.yaml”:[\s\S]*HubSpot has no contact field named “no_such_property”/);
    await shot('11c-mapping-upload-refused');
    expect(await versions()).toBe(1);
    // the file as downloaded changes nothing: no new version
    await page.getByLabel('Upload a mapping file (.yaml)').setInputFiles({ name: 'hubspot-mapping.yaml', mimeType: 'application/yaml', buffer: Buffer.from(downloaded) });
    await page.getByRole('button', { name: 'Check and import the file' }).click();
    await page.waitForURL('**/mapping?unchanged=1');
    await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/nothing changed, no new version/);
    expect(await versions()).toBe(1);
    // with the custom score written only while the property is empty: checked and saved
    const ifEmpty = downloaded.replace(/(crmProperty: custom_lead_score\n\s+direction: \w+\n\s+writePolicy: )always/, '$1if_empty');
    expect(ifEmpty).not.toBe(downloaded);
    await page.getByLabel('Upload a mapping file (.yaml)').setInputFiles({ name: 'hubspot-mapping.yaml', mimeType: 'application/yaml', buffer: Buffer.from(ifEmpty) });
    await page.getByRole('button', { name: 'Check and import the file' }).click();
    await page.waitForURL('**/mapping?saved=2');
    await expect(page.locator('tr[data-row="contact.score.custom_lead_score"] select[name$=".writePolicy"]').inputValue()).resolves.toBe('if_empty');
    await expect(page.locator('#versions').textContent()).resolves.toMatch(/imported from the file hubspot-mapping\.yaml: 1 change/);
    await shot('11d-mapping-upload-saved');
    // the next write-back of a person writes the score to the custom property, no longer to leadstage_score
    const installationId = await installationIdOf('hubspot');
    const [row] = (await runtime.store.db.query<{ person_id: string; crm_id: string; workspace_id: string }>("SELECT person_id, crm_id, workspace_id FROM person_identities WHERE installation_id = $1 AND object_type = 'contact' LIMIT 1", [installationId])).rows;
    const contact = () => hubspot.store.collection('contacts').get(row!.crm_id)!;
    const before = contact().properties.leadstage_score;
    await runtime.enqueue.score([{ workspaceId: row!.workspace_id, personId: row!.person_id }]);
    await waitUntil('the score lands in the custom property', () => Boolean(contact().properties.custom_lead_score), 60_000);
    expect(String(contact().properties.custom_lead_score)).toBe(String(before));
  }, 120_000);

  /** Salesforce as its admin and reps use it: REST calls with the sandbox's own user (not Leadstage's). */
  const sf = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${salesforce.url}/services/data/v${salesforce.apiVersion}${path}`, {
      method, headers: { authorization: `Bearer ${salesforce.accessToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status).toBeLessThan(300);
    return response.status === 204 ? null : response.json();
  };
  const leadRow = (id: string) => salesforce.store.find(id)!.row;
  /** Leads Leadstage made SQL (by a demo request, or by engagement) that are being worked, as the sandbox holds them. */
  const sqlLeads = () => [...salesforce.store.rows('Lead', { includeDeleted: false })]
    .filter((r) => r.IsConverted !== true && r.Leadstage_Stage__c === 'sql' && r.Status === 'Working - Contacted')
    .map((r) => String(r.Id));
  /**
   * A rep puts a lead back to Open - Not Contacted; the next sync reads it, and the person is decided
   * again (as the HubSpot half does, by enqueueing its scoring): Leadstage moves it along its transition.
   */
  const reopenAndSync = async (leadId: string) => {
    await sf('PATCH', `/sobjects/Lead/${leadId}`, { Status: 'Open - Not Contacted' });
    await page.goto(`${base}/console`);
    await card('Salesforce').getByRole('button', { name: 'Sync changes now' }).click();
    await page.waitForURL(`${base}/console?done=resync**`);
    await waitForWork(runtime.queues, 60_000);
    const installationId = await installationIdOf('salesforce');
    await waitUntil('the sync read the reopened lead', async () => (await runtime.store.db.query<{ status: string }>("SELECT crm_values->>'Status' AS status FROM person_identities WHERE installation_id = $1 AND crm_id = $2", [installationId, leadId])).rows[0]?.status === 'Open - Not Contacted', 60_000);
    const [row] = (await runtime.store.db.query<{ person_id: string; workspace_id: string }>('SELECT person_id, workspace_id FROM person_identities WHERE installation_id = $1 AND crm_id = $2', [installationId, leadId])).rows;
    await runtime.enqueue.score([{ workspaceId: row!.workspace_id, personId: row!.person_id }]);
  };

  it('maps a Salesforce Lead Status value: refused when the org lacks it, accepted when it has it, and the next write-back moves the lead to it', async () => {
    // the org's admin adds a Lead Status of their own in Salesforce
    const picklist = await fetch(`${salesforce.url}/__sandbox/picklists`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'Lead', field: 'Status', values: ['Open - Not Contacted', 'Working - Contacted', 'Sales Ready', 'Closed - Converted', 'Closed - Not Converted'], default: 'Open - Not Contacted', converted: 'Closed - Converted' }),
    });
    expect(picklist.status).toBe(204);
    await page.goto(`${base}/console`);
    await card('Salesforce').getByRole('link', { name: 'Field mapping', exact: true }).click();
    await page.waitForURL('**/mapping');
    await shot('12-mapping-salesforce');
    const status = page.locator('tr[data-row="lead.leadStatus.Status"]');
    const working = status.locator('input[name$=".values.IN_PROGRESS"]');
    await expect(working.inputValue()).resolves.toBe('Working - Contacted');
    // wrong: a typo, not an option of the org's Lead Status
    await working.fill('Sales Redy');
    await page.getByRole('button', { name: 'Check and save' }).click();
    await expect(page.locator('[role=alert]').first().textContent()).resolves.toMatch(/Nothing was saved: 1 problem/);
    await expect(status.locator('.error').textContent()).resolves.toMatch(/“Sales Redy” is not an option of “[^”]*” \(Status\) in Salesforce\. Its options: .*Sales Ready/);
    await expect(status.locator('input[name$=".values.IN_PROGRESS"]').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot('12b-mapping-salesforce-refused');
    const installationId = await installationIdOf('salesforce');
    expect(await runtime.store.mappings.listMappings(installationId)).toEqual([]);
    // right: the org's own option
    await status.locator('input[name$=".values.IN_PROGRESS"]').fill('Sales Ready');
    await page.getByRole('button', { name: 'Check and save' }).click();
    await page.waitForURL('**/mapping?saved=1');
    await shot('12c-mapping-salesforce-saved');

    // an SQL lead a rep put back to Open - Not Contacted: the next write-back moves it to Sales Ready
    const [leadId] = sqlLeads();
    expect(leadId).toBeDefined();
    await reopenAndSync(leadId!);
    await waitUntil('the lead moved to the mapped Lead Status', () => leadRow(leadId!).Status === 'Sales Ready', 60_000);
    // read back from Salesforce itself, as a rep sees it
    const read = (await sf('GET', `/query?q=${encodeURIComponent(`SELECT Status FROM Lead WHERE Id = '${leadId}'`)}`)) as { records: { Status: string }[] };
    expect(read.records[0]!.Status).toBe('Sales Ready');
  }, 180_000);

  it('a field Salesforce later deletes under a mapping: the other fields are written, no lead is lost, and Connections shows the problem with its fix', async () => {
    const installationId = await installationIdOf('salesforce');
    // the org's admin deletes Leadstage's Priority field in Salesforce (Setup, here the Tooling API)
    const found = (await sf('GET', `/tooling/query?q=${encodeURIComponent("SELECT Id FROM CustomField WHERE DeveloperName = 'Leadstage_Priority' AND TableEnumOrId = 'Lead'")}`)) as { records: { Id: string }[] };
    await sf('DELETE', `/tooling/sobjects/CustomField/${found.records[0]!.Id}`);
    // another SQL lead put back by a rep: its write carries the Lead Status and the priority (a field
    // the pull no longer reads, so its last value is unknown)
    const leadId = sqlLeads()[0];
    expect(leadId).toBeDefined();
    await reopenAndSync(leadId!);
    await waitUntil('the lead\'s other fields were written', () => leadRow(leadId!).Status === 'Sales Ready', 60_000);
    await waitForWork(runtime.queues, 60_000);
    expect(leadRow(leadId!)).toMatchObject({ IsDeleted: false, Leadstage_Stage__c: 'sql' });
    expect((await runtime.store.outbox.listRecordErrors(installationId)).filter((e) => JSON.stringify(e).includes(leadId!))).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(installationId)).toMatchObject({ pending: 0 });

    await page.goto(`${base}/console`);
    const problem = card('Salesforce').locator('[data-problem=FIELD_UNAVAILABLE]');
    await expect(problem.textContent()).resolves.toMatch(/Salesforce no longer takes Lead\.Leadstage_Priority__c, the field that holds Leadstage's priority: it was deleted/);
    await expect(problem.textContent()).resolves.toMatch(/keeps writing the other fields/);
    await expect(problem.textContent()).resolves.toMatch(/How to fix it: Map priority to another Lead field on Leadstage's mapping page, or restore the field/);
    await expect(card('Salesforce').locator('h2 a.status').textContent()).resolves.toMatch(/problems? to fix/);
    await problem.scrollIntoViewIfNeeded();
    await shot('19-connections-problem');
    await problem.getByRole('link', { name: 'Change the field mapping' }).click();
    await page.waitForURL('**/mapping');
    await expect(page.locator('tr[data-row="lead.priority.Leadstage_Priority__c"] select[name$=".crmProperty"] option:checked').textContent()).resolves.toMatch(/not in Salesforce/);
    await shot('20-mapping-after-delete');
  }, 180_000);

  it('a Lead Status value Salesforce later removes from the picklist: the lead is left as it was, and Connections shows the problem with its fix', async () => {
    const installationId = await installationIdOf('salesforce');
    // the org's admin removes "Sales Ready" from Lead Status (leads keep the value they hold)
    const picklist = await fetch(`${salesforce.url}/__sandbox/picklists`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'Lead', field: 'Status', values: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], default: 'Open - Not Contacted', converted: 'Closed - Converted', restricted: true }),
    });
    expect(picklist.status).toBe(204);
    const [leadId] = [...salesforce.store.rows('Lead', { includeDeleted: false })].filter((r) => r.Leadstage_Stage__c === 'sql' && r.Status === 'Sales Ready').map((r) => String(r.Id));
    await reopenAndSync(leadId!);
    await waitUntil('the Lead Status problem is recorded', async () => (await runtime.store.problems.list((await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [installationId])).rows[0]!.workspace_id, installationId)).some((p) => p.code.startsWith('LEAD_STATUS_')), 60_000);
    await waitForWork(runtime.queues, 60_000);
    expect(leadRow(leadId!)).toMatchObject({ IsDeleted: false, Status: 'Open - Not Contacted', Leadstage_Stage__c: 'sql' });
    expect(await runtime.store.outbox.outboxBacklog(installationId)).toMatchObject({ pending: 0 });
    await page.goto(`${base}/console`);
    const problem = card('Salesforce').locator('[data-problem^=LEAD_STATUS_]');
    await expect(problem.textContent()).resolves.toMatch(/Sales Ready/);
    await expect(problem.textContent()).resolves.toMatch(/How to fix it:.*mapping page/);
    await expect(problem.getByRole('link', { name: 'Change the field mapping' }).count()).resolves.toBe(1);
    await problem.scrollIntoViewIfNeeded();
    await shot('19b-connections-status-problem');
  }, 180_000);

  it('saves a Lead Status write policy the writer then obeys', async () => {
    await page.goto(`${base}/console`);
    await card('Salesforce').getByRole('link', { name: 'Field mapping', exact: true }).click();
    await page.waitForURL('**/mapping');
    const installationId = await installationIdOf('salesforce');
    await page.locator('tr[data-row="lead.leadStatus.Status"] select[name$=".writePolicy"]').selectOption('never');
    // the priority field Salesforce deleted blocks every save until it is remapped or parked
    await page.getByRole('button', { name: 'Check and save' }).click();
    const priority = page.locator('tr[data-row="lead.priority.Leadstage_Priority__c"]');
    await expect(priority.locator('.error').textContent()).resolves.toMatch(/Salesforce no longer has a lead field named “Leadstage_Priority__c” .*set it to never write/);
    expect(await runtime.store.mappings.listVersions((await runtime.store.db.query<{ workspace_id: string }>('SELECT workspace_id FROM installations WHERE id = $1', [installationId])).rows[0]!.workspace_id, installationId)).toHaveLength(1);
    await shot('21-mapping-deleted-field-refused');
    // and "Sales Ready", gone from the org, is refused until the value is mapped to an option it has
    await expect(page.locator('tr[data-row="lead.leadStatus.Status"] .error').textContent()).resolves.toMatch(/“Sales Ready” is not an option/);
    await priority.locator('select[name$=".writePolicy"]').selectOption('never');
    await page.locator('tr[data-row="lead.leadStatus.Status"] input[name$=".values.IN_PROGRESS"]').fill('Working - Contacted');
    await page.locator('tr[data-row="lead.leadStatus.Status"] select[name$=".writePolicy"]').selectOption('never');
    await page.getByRole('button', { name: 'Check and save' }).click();
    await page.waitForURL('**/mapping?saved=2');
    await shot('22-mapping-parked');
    // the priority and the Lead Status no longer written: their problems have left Connections
    await page.goto(`${base}/console`);
    await expect(card('Salesforce').locator('[data-problem]').count()).resolves.toBe(0);
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

    // someone handed to sales: the follow-up they are owed, and the tasks it made
    const [handedOff] = (await runtime.store.db.query<{ id: string; status: string }>(
      `SELECT person_id AS id, status FROM sla_handoffs WHERE kind = 'handoff' ORDER BY started_at DESC, person_id LIMIT 1`,
    )).rows;
    await page.goto(`${base}/console/people/${handedOff!.id}`);
    await expect(page.locator(`#follow-up tr[data-handoff="${handedOff!.status}"]`).count()).resolves.toBe(1);
    await expect(page.locator('#tasks tbody tr').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#tasks').textContent()).resolves.toMatch(/first touch/);
    await shot('18b-person-handed-off');
  }, 60_000);
});
