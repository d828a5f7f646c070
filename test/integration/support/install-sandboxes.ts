import { HUBSPOT_INSTALL_SCOPES } from '../../../connectors/hubspot/auth/oauth-app';
import { keyFromBody } from '../../../connectors/hubspot/write/task-writer';
import { startHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../../sandboxes/hubspot';
import { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from '../../../sandboxes/salesforce';
import { WIDE_SANDBOX_LIMITS } from './sync-harness';

/**
 * Both sandboxes set up to be installed from, as the install tests and the console's browser test
 * need them: HubSpot with Leadstage's public app (the scopes the install link asks for, a wide
 * public-app tier) and a small portal, Salesforce with a small org; both apps' callback URLs on
 * `publicUrl` when given (else the sandboxes' defaults, `http://127.0.0.1/oauth/<system>/callback`);
 * and `installEnv`, the OAuth app variables our web server reads for them.
 */
export interface InstallSandboxes {
  hubspot: HubSpotSandbox;
  salesforce: SalesforceSandbox;
  installEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startInstallSandboxes(options: {
  publicUrl?: string;
  hubspot?: Partial<HubSpotSandboxOptions>;
  salesforce?: Partial<SalesforceSandboxOptions>;
} = {}): Promise<InstallSandboxes> {
  const callback = (provider: string) => (options.publicUrl ? [`${options.publicUrl}/oauth/${provider}/callback`] : undefined);
  const hubspotCallbacks = callback('hubspot');
  const salesforceCallbacks = callback('salesforce');
  const hubspot = await startHubSpotSandbox({
    port: 0,
    contacts: 30,
    warm: true,
    rateLimit: WIDE_SANDBOX_LIMITS,
    ...options.hubspot,
    app: {
      scopes: HUBSPOT_INSTALL_SCOPES.filter((s) => !s.optional).map((s) => s.scope),
      optionalScopes: HUBSPOT_INSTALL_SCOPES.filter((s) => s.optional).map((s) => s.scope),
      rateLimit: { maxPerWindow: 100_000, windowMs: 10_000 },
      ...(hubspotCallbacks ? { redirectUris: hubspotCallbacks } : {}),
      ...options.hubspot?.app,
    },
  });
  let salesforce: SalesforceSandbox;
  try {
    salesforce = await startSalesforceSandbox({ port: 0, leads: 15, contacts: 15, ...(salesforceCallbacks ? { callbackUrls: salesforceCallbacks } : {}), ...options.salesforce });
  } catch (error) {
    await hubspot.close();
    throw error;
  }
  return {
    hubspot,
    salesforce,
    installEnv: {
      HUBSPOT_CLIENT_ID: hubspot.oauth.app.clientId,
      HUBSPOT_CLIENT_SECRET: hubspot.oauth.app.clientSecret,
      HUBSPOT_APP_ID: String(hubspot.oauth.app.appId),
      HUBSPOT_OAUTH_BASE_URL: hubspot.url,
      HUBSPOT_API_BASE_URL: hubspot.url,
      SALESFORCE_CLIENT_ID: salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
      SALESFORCE_LOGIN_URL: salesforce.loginUrl,
    },
    async close() {
      await hubspot.close();
      await salesforce.close();
    },
  };
}

/** What Leadstage left in a CRM, read back through the CRM's own API: the stage per record, and its tasks. */
export interface CrmReadback {
  /** Leadstage's stage per record id (records without one left out). */
  stages: Map<string, string>;
  /** Records that have none (yet). */
  unstaged: string[];
  /** Leadstage's tasks (told apart by the connector's marker): the record each is about. */
  tasks: Array<{ id: string; subject: string; about: string | null }>;
}

async function getJson<T>(url: URL, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url.pathname}${url.search} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as T;
}

/** Every page of a HubSpot object list (GET /crm/v3/objects/:type), with the private app's token. */
async function listHubSpot(hubspot: HubSpotSandbox, type: string, query: Record<string, string>) {
  const out: Array<{ id: string; properties: Record<string, string | null>; associations?: Record<string, { results: Array<{ id: string }> }> }> = [];
  let after: string | undefined;
  do {
    const url = new URL(`/crm/v3/objects/${type}`, hubspot.url);
    for (const [name, value] of Object.entries({ limit: '100', ...query, ...(after ? { after } : {}) })) url.searchParams.set(name, value);
    const page = await getJson<{ results: typeof out; paging?: { next?: { after: string } } }>(url, hubspot.token);
    out.push(...page.results);
    after = page.paging?.next?.after;
  } while (after);
  return out;
}

/** Contacts' `leadstage_stage` and the tasks whose body carries Leadstage's marker, through HubSpot's CRM API. */
export async function readHubSpotBack(hubspot: HubSpotSandbox): Promise<CrmReadback> {
  const stages = new Map<string, string>();
  const unstaged: string[] = [];
  for (const contact of await listHubSpot(hubspot, 'contacts', { properties: 'leadstage_stage' })) {
    const stage = contact.properties.leadstage_stage;
    if (stage) stages.set(contact.id, stage);
    else unstaged.push(contact.id);
  }
  const tasks = (await listHubSpot(hubspot, 'tasks', { properties: 'hs_task_subject,hs_task_body', associations: 'contacts' }))
    .filter((task) => keyFromBody(task.properties.hs_task_body) !== null)
    .map((task) => ({ id: task.id, subject: task.properties.hs_task_subject ?? '', about: task.associations?.contacts?.results[0]?.id ?? null }));
  return { stages, unstaged, tasks };
}

/**
 * An access token for one user of the org, through the token endpoint as a connected app gets it (an
 * authorization code exchanged with the app's credentials). The org applies field-level security per
 * user, so a read-back must be made as a user who may see Leadstage's fields.
 */
async function tokenFor(salesforce: SalesforceSandbox, userId: string | undefined): Promise<string> {
  if (userId === undefined) return salesforce.issueTokens().accessToken;
  const code = salesforce.issueAuthorizationCode({ userId });
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, client_id: salesforce.clientId, client_secret: salesforce.clientSecret });
  const response = await fetch(new URL('/services/oauth2/token', salesforce.loginUrl), { method: 'POST', body });
  if (!response.ok) throw new Error(`token for user ${userId} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Every row of a SOQL query through the org's REST API, as `userId` (default: the integration user). */
async function soql<T>(salesforce: SalesforceSandbox, query: string, userId?: string): Promise<T[]> {
  const token = await tokenFor(salesforce, userId);
  const rows: T[] = [];
  let next: string | undefined = `/services/data/v${salesforce.apiVersion}/query?q=${encodeURIComponent(query)}`;
  while (next) {
    const page: { records: T[]; nextRecordsUrl?: string } = await getJson(new URL(next, salesforce.instanceUrl), token);
    rows.push(...page.records);
    next = page.nextRecordsUrl;
  }
  return rows;
}

/**
 * Open leads' and contacts' `Leadstage_Stage__c`, and the Tasks Leadstage keyed (`Leadstage_Key__c`),
 * through SOQL as `asUserId` (the user who approved the app, whom Leadstage's permission set grants
 * its fields), or as the integration user.
 */
export async function readSalesforceBack(salesforce: SalesforceSandbox, asUserId?: string): Promise<CrmReadback> {
  const stages = new Map<string, string>();
  const unstaged: string[] = [];
  // a converted lead lives on as its contact: the open leads and the contacts are the people
  for (const query of ['SELECT Id, Leadstage_Stage__c FROM Lead WHERE IsConverted = false', 'SELECT Id, Leadstage_Stage__c FROM Contact']) {
    for (const row of await soql<{ Id: string; Leadstage_Stage__c: string | null }>(salesforce, query, asUserId)) {
      if (row.Leadstage_Stage__c) stages.set(row.Id, row.Leadstage_Stage__c);
      else unstaged.push(row.Id);
    }
  }
  const tasks = (await soql<{ Id: string; Subject: string; WhoId: string | null }>(salesforce, 'SELECT Id, Subject, WhoId FROM Task WHERE Leadstage_Key__c != null', asUserId))
    .map((task) => ({ id: task.Id, subject: task.Subject, about: task.WhoId }));
  return { stages, unstaged, tasks };
}
