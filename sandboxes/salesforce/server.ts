/**
 * `startSalesforceSandbox()`: an HTTP server on 127.0.0.1 that answers Salesforce's REST, OAuth,
 * Tooling and Bulk API 2.0 paths with a seeded org, so the real jsforce (pointed at it through
 * `loginUrl`/`instanceUrl`) runs against it unchanged in the demo, end-to-end tests and the sync
 * benchmark. See README.md for the endpoint list. It imports nothing from `src/`: it stands in for
 * Salesforce, it is not part of Leadstage.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { createClock, parseNow, type ClockMode, type SandboxClock } from '../kit/clock';
import { listenOnLoopback } from '../kit/listen';
import { countRequests, injectLatency } from '../kit/middleware';
import { Prng } from '../kit/prng';
import type { SharedPeople } from '../kit/shared-people';
import { ApiLimits, DEFAULT_API_LIMITS, type ApiLimitOptions } from './api-limits';
import { AuthServer, DEFAULT_APP_SCOPES, DEFAULT_CALLBACK_URLS } from './auth';
import { BulkQueryJobs } from './bulk-jobs';
import type { HostKind, SandboxContext } from './context';
import { LEADSTAGE_FIELDS } from './custom-fields';
import { invalidSession, notFound, SalesforceError } from './errors';
import { Faults, type FaultSettings } from './faults';
import { LeadAssignment } from './lead-assignment';
import { enforceLimits, injectServerErrors, requireSession, runAsSessionUser } from './middleware';
import { standardObjects } from './object-catalog';
import { OrgRules, type PicklistSpec, type ValidationRuleSpec } from './org-rules';
import { OrgStore, type Row } from './org-store';
import { applyFieldAccess, LEADSTAGE_PERMISSION_SET } from './permissions';
import type { FieldDef, ObjectDef } from './object-catalog';
import { sfDate, sfStamp } from './sf-time';
import { normalizeId } from './ids';
import { QueryCursors } from './query-cursors';
import type { DeserializationMode } from './record-writes';
import { adminRouter } from './routes/admin';
import { bulkQueryRouter } from './routes/bulk-query';
import { compositeRouter } from './routes/composite';
import { oauthRouter } from './routes/oauth';
import { queryRouter } from './routes/query';
import { sobjectsRouter } from './routes/sobjects';
import { createCustomFieldNow, toolingRouter } from './routes/tooling';
import { resourcesRouter, versionsRouter } from './routes/versions';
import { seedOrg, type SeedCounts } from './seed';
import { ORG_ID, INTEGRATION_USER } from './seed-catalog';
import { DEFAULT_NOW, DEFAULT_SEED, describeSeed, resolveSeedOptions, type SeedDescription } from './seed-showcase';
import { SoqlError } from './soql';
import { SandboxStats, type StatsSnapshot } from './stats';

export const DEFAULT_CLIENT_ID = '3MVG9LeadstageSandboxConsumerKey';
export const DEFAULT_CLIENT_SECRET = 'LeadstageSandboxConsumerSecret';
export const DEFAULT_ACCESS_TOKEN_TTL_MS = 2 * 3_600_000;
export const DEFAULT_CODE_TTL_MS = 15 * 60_000;
export const DEFAULT_APP_NAME = 'Leadstage';
export const SANDBOX_API_VERSION = '62.0';

export interface SalesforceSandboxOptions {
  /** 0 (default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  seed?: number;
  /** Seeded leads (default 1,000; up to 200,000). */
  leads?: number;
  /** Seeded contacts (default 1,000; up to 200,000). */
  contacts?: number;
  /** Where the seeded history ends and the clock starts (default 2026-11-27T12:00:00Z). */
  now?: string | number | Date;
  /**
   * People this org shares with another system (e.g. `sharedFromHubSpot(hubspot.store.seed, {count})`):
   * that many seeded leads and contacts become them, same email and name; `describeSeed().shared` says which.
   */
  shared?: SharedPeople;
  /** `running` (default) ticks with wall time from `now`; `frozen` moves only when set; or your own clock. */
  clock?: ClockMode | SandboxClock;
  /** Monotonic time source (ms) for the rateLimit window and bulk job delays (default performance.now). */
  monotonic?: () => number;
  /**
   * Create Leadstage's custom fields at start, as if the connector's setup had run (default false):
   * the fields, and the `Leadstage_Integration` permission set granting them, assigned to the
   * integration user.
   */
  withLeadstageFields?: boolean;
  /** The integration user may create custom fields through the Tooling API (default true). */
  allowMetadata?: boolean;
  clientId?: string;
  clientSecret?: string;
  /** Access-token lifetime in sandbox-clock ms (default 2 h). */
  accessTokenTtlMs?: number;
  /** Refresh token rotation (default true). */
  rotateRefreshTokens?: boolean;
  /** Reusing a retired refresh token: 'reject' (default) or 'revoke-family' (also kills its live tokens). */
  refreshTokenReuse?: 'reject' | 'revoke-family';
  /** The connected app's callback URLs; `redirect_uri` must be one exactly (default `DEFAULT_CALLBACK_URLS`). */
  callbackUrls?: string[];
  /** The connected app's selected OAuth scopes (default api, refresh_token, id, openid). */
  oauthScopes?: string[];
  /** The connected app's name on the approval page (default "Leadstage"). */
  appName?: string;
  /** Authorization-code lifetime in sandbox-clock ms (default 15 min). */
  authorizationCodeTtlMs?: number;
  /** Live grants per user and app; a new one beyond revokes the oldest (default 5, as Salesforce). */
  maxGrantsPerUser?: number;
  /** "Require Secret for Web Server Flow" (default true, Salesforce's default); false lets a PKCE verifier stand in for the secret. */
  requireSecretForWebServerFlow?: boolean;
  /**
   * The authorize page's browser: logged in as this user, who already approved the app, so the page is
   * skipped (unless `prompt=login|consent`). Default: the integration user (as the initial tokens say);
   * `null`: nobody, the page always shows.
   */
  oauthSession?: string | null;
  /** `'single'` (default): one URL is login, test and instance host. `'separate'`: each on its own loopback port. */
  hosts?: 'single' | 'separate';
  /** The login host the org logs in through: `'login'` (production, default), `'test'` (a sandbox org) or `'both'`. */
  loginDomain?: 'login' | 'test' | 'both';
  /** Requests per rolling 24 h of sandbox time (default 100,000). */
  dailyApiLimit?: number;
  /** Bulk API 2.0 query jobs per rolling 24 h (default 10,000). */
  dailyBulkQueryJobs?: number;
  /** Optional fixed window (real time), off by default: Salesforce has no per-second limit. */
  rateLimit?: { maxPerWindow: number; windowMs: number };
  /** Optional cap on requests in flight (real Salesforce caps long-running ones). */
  maxConcurrent?: number;
  /** Real-time ms until a Bulk API 2.0 query job reports JobComplete (default 0: at once). */
  bulkJobDelayMs?: number;
  /** Rows per Bulk API 2.0 results page when the request has no maxRecords (default 100,000). */
  bulkResultsPageSize?: number;
  /** Open query cursors kept per access token, oldest dropped (default 50). */
  maxCursorsPerToken?: number;
  /** Unknown fields / wrong JSON types in writes: fail the request (Salesforce, default) or only the record. */
  deserializationErrors?: DeserializationMode;
  /**
   * What the integration user's profile grants on fields created through the Tooling API: 'none'
   * (default, as in a real org: invisible to describe, SOQL and writes, yet a second create is
   * DUPLICATE_DEVELOPER_NAME, until a permission set granting the field is assigned to the user or
   * `grantFieldAccess()`), 'read' (describe says not createable/updateable) or 'edit'.
   */
  customFieldAccess?: 'edit' | 'read' | 'none';
  /** The integration user has "Manage Profiles and Permission Sets" (default true). */
  allowPermissionSets?: boolean;
  /** The integration user has "Assign Permission Sets" (default true). */
  allowPermissionSetAssignment?: boolean;
  /**
   * The org refuses Unique and External ID on activity custom fields (Tooling create of such an
   * `Activity.X__c` → 400 FIELD_INTEGRITY_EXCEPTION), so Task idempotency cannot rest on a unique key.
   */
  refuseUniqueActivityFields?: boolean;
  faults?: Partial<FaultSettings>;
}

/**
 * What an installation connecting to this org stores: the integration user's tokens and the
 * connected app, with the sandbox as both login and instance host.
 */
export function integrationUserCredentials(
  sandbox: Pick<SalesforceSandbox, 'instanceUrl' | 'loginUrl' | 'clientId' | 'clientSecret' | 'accessToken' | 'refreshToken' | 'apiVersion'>,
) {
  const { instanceUrl, loginUrl, clientId, clientSecret, accessToken, refreshToken, apiVersion } = sandbox;
  return { instanceUrl, loginUrl, clientId, clientSecret, accessToken, refreshToken, apiVersion };
}

export interface SalesforceSandbox {
  /** `http://127.0.0.1:<port>`: the instance URL (and, with one host, the login URLs too). */
  url: string;
  /** login.salesforce.com's stand-in. */
  loginUrl: string;
  /** test.salesforce.com's stand-in. */
  testLoginUrl: string;
  /** The org's My Domain: the token response's `instance_url`. */
  instanceUrl: string;
  port: number;
  apiVersion: string;
  clientId: string;
  clientSecret: string;
  /** A live access token and refresh token of the integration user, issued at start. */
  accessToken: string;
  refreshToken: string;
  orgId: string;
  userId: string;
  store: OrgStore;
  clock: SandboxClock;
  faults: Faults;
  limits: ApiLimits;
  auth: AuthServer;
  /** Record counts per sObject right after seeding. */
  seedCounts: SeedCounts;
  stats(): StatsSnapshot;
  resetStats(): void;
  describeSeed(): SeedDescription;
  /** A new access/refresh token pair for the integration user. */
  issueTokens(): { accessToken: string; refreshToken: string };
  /** An authorization code for `grant_type=authorization_code` (optionally bound to a redirect URI / PKCE challenge, for a user). */
  issueAuthorizationCode(options?: { redirectUri?: string; codeChallenge?: string; userId?: string; scopes?: string[] }): string;
  /** Who the authorize page's browser is logged in as (having approved the app), or null for nobody. */
  setOAuthSession(userId: string | null): void;
  /** Invalidates every access token issued so far (refresh tokens keep working). */
  expireTokens(): number;
  /** An admin grants edit access to custom fields (all, or one `Object.Field__c`) on the user's profile; returns how many changed. */
  grantFieldAccess(fullName?: string): number;
  /** An admin revokes the user's access to a custom field (profile and permission sets); returns how many changed. */
  revokeFieldAccess(fullName: string): number;
  /** An admin adds a validation rule (org-rules.ts): records meeting all its conditions are refused with FIELD_CUSTOM_VALIDATION_EXCEPTION. */
  addValidationRule(spec: ValidationRuleSpec): ValidationRuleSpec;
  clearValidationRules(): void;
  /** An admin replaces a picklist's values (e.g. the org's own Lead Status values). */
  setPicklist(spec: PicklistSpec): void;
  /** Archives Tasks (by id, or closed ones due more than `olderThanDays` ago): only queryAll sees them then. Returns how many. */
  archiveActivities(selection: { ids?: string[]; olderThanDays?: number }): number;
  close(): Promise<void>;
}

const handleErrors = (ctx: SandboxContext): ErrorRequestHandler => (err, _req, res, _next) => {
  let error: SalesforceError;
  if (err instanceof SalesforceError) error = err;
  else if (err instanceof SoqlError) error = new SalesforceError(400, err.toBody());
  else if ((err as { type?: string }).type === 'entity.parse.failed') {
    error = new SalesforceError(400, [{ message: `Unexpected character in JSON body: ${(err as Error).message}`, errorCode: 'JSON_PARSER_ERROR' }]);
  } else if ((err as { type?: string }).type === 'entity.too.large') {
    error = new SalesforceError(413, [{ message: 'Request body too large', errorCode: 'JSON_PARSER_ERROR' }]);
  } else {
    const errorId = `${ctx.prng.int(100000000, 999999999)}-${ctx.prng.int(10000, 99999)}`;
    error = new SalesforceError(500, [{ message: `Sandbox bug (${errorId}): ${(err as Error).message}`, errorCode: 'UNKNOWN_EXCEPTION' }]);
  }
  if (error.raw) {
    res.status(error.status).type(error.raw.contentType).send(error.raw.text);
    return;
  }
  res.status(error.status).json(error.body);
};

/**
 * Salesforce caps a REST request's URI and headers at 16,384 bytes together: a longer URI alone
 * answers 414, URI and headers together beyond it 431 (a long `IN (...)` list in a GET query, plus the
 * Authorization header and the rest, hits this).
 */
export const MAX_URI_BYTES = 16_384;

/** The request's header lines as sent (`Name: value` and CRLF each). */
function headerBytes(rawHeaders: readonly string[]): number {
  let bytes = 0;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) bytes += Buffer.byteLength(rawHeaders[i]!) + 2 + Buffer.byteLength(rawHeaders[i + 1]!) + 2;
  return bytes;
}

const checkVersion: RequestHandler = (req, _res, next) => {
  if (!/^v\d{2,3}\.\d$/.test(String(req.params.version))) throw notFound();
  const uri = Buffer.byteLength(req.originalUrl);
  if (uri > MAX_URI_BYTES) {
    throw new SalesforceError(414, [{ message: `URI Too Long: the request URI is longer than ${MAX_URI_BYTES} bytes`, errorCode: 'URI_TOO_LONG' }]);
  }
  const total = uri + headerBytes(req.rawHeaders);
  if (total > MAX_URI_BYTES) {
    throw new SalesforceError(431, [{
      message: `Request Header Fields Too Large: the URI and headers are ${total} bytes together, more than ${MAX_URI_BYTES}`, errorCode: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    }]);
  }
  next();
};

/** With separate hosts, the REST API is the instance's: a login host answers 401 INVALID_SESSION_ID. */
const instanceHostOnly = (ctx: SandboxContext): RequestHandler => (req, _res, next) => {
  const host = ctx.hostOf(req);
  if (host === 'login' || host === 'test') {
    ctx.stats.counters.unauthorized += 1;
    throw invalidSession();
  }
  next();
};

export function createSandboxApp(ctx: SandboxContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '20mb' }), adminRouter(ctx));
  app.use(countRequests(ctx), injectLatency(ctx), versionsRouter(), oauthRouter(ctx));
  const api = Router({ mergeParams: true });
  api.use(checkVersion, instanceHostOnly(ctx), requireSession(ctx), runAsSessionUser(ctx), enforceLimits(ctx), injectServerErrors(ctx));
  for (const router of [resourcesRouter, queryRouter, sobjectsRouter, compositeRouter, toolingRouter, bulkQueryRouter]) api.use(router(ctx));
  app.use('/services/data/:version', api);
  app.use(() => {
    throw notFound();
  });
  app.use(handleErrors(ctx));
  return app;
}

/** Does `fullName` (`Lead.X__c`, or `Activity.X__c` for a Task field) name this field? */
function names(fullName: string | undefined, def: ObjectDef, field: FieldDef): boolean {
  if (fullName === undefined) return true;
  const wanted = fullName.toLowerCase();
  const object = def.name === 'Task' ? 'Activity' : def.name;
  return wanted === `${object}.${field.name}`.toLowerCase() || wanted === `${def.name}.${field.name}`.toLowerCase();
}

/**
 * An admin gives the users' profile edit access to custom fields (all, or one `Object.Field__c`);
 * `userId` is the user whose view of the org the store holds now (fieldAccessUser).
 */
export function grantFieldAccess(store: OrgStore, fullName?: string, userId: string = INTEGRATION_USER.id): number {
  let changed = 0;
  for (const def of store.objects()) {
    for (const field of def.fields) {
      if (!field.custom || field.profileAccess === undefined || field.profileAccess === 'edit' || !names(fullName, def, field)) continue;
      field.profileAccess = 'edit';
      changed++;
    }
  }
  applyFieldAccess(store, userId);
  return changed;
}

/**
 * An admin takes a custom field away from the integration user: the profile no longer grants it
 * and the FieldPermissions rows that did are deleted. Describe, SOQL and writes then treat it as
 * absent (INVALID_FIELD).
 */
export function revokeFieldAccess(store: OrgStore, fullName: string, userId: string = INTEGRATION_USER.id): number {
  let changed = 0;
  const permissions = store.table('FieldPermissions')!;
  for (const def of store.objects()) {
    for (const field of def.fields) {
      if (!field.custom || !names(fullName, def, field)) continue;
      field.profileAccess = 'none';
      const path = `${def.name}.${field.name}`.toLowerCase();
      for (const row of [...permissions.rows.values()]) if (String(row.Field).toLowerCase() === path) store.remove(permissions, row);
      changed++;
    }
  }
  applyFieldAccess(store, userId);
  return changed;
}

/**
 * Activities Salesforce archived (closed tasks due over a year ago, in a real org): `query` no longer
 * returns them, `queryAll` does. By id, or closed tasks due more than `olderThanDays` before `now`.
 */
export function archiveActivities(store: OrgStore, now: number, selection: { ids?: string[]; olderThanDays?: number }): number {
  const tasks = store.table('Task')!;
  const ids = new Set((selection.ids ?? []).map((id) => normalizeId(id)).filter((id): id is string => id !== undefined));
  const before = selection.olderThanDays === undefined ? null : sfDate(now - selection.olderThanDays * 86_400_000);
  let archived = 0;
  for (const row of tasks.rows.values()) {
    if (row.IsArchived === true) continue;
    const due = String(row.ActivityDate ?? String(row.CreatedDate ?? '').slice(0, 10));
    if (!ids.has(String(row.Id)) && !(before !== null && row.IsClosed === true && due < before)) continue;
    row.IsArchived = true;
    archived++;
  }
  return archived;
}

/** `withLeadstageFields`: the permission set the connector's setup makes, with a row per field, assigned to the integration user. */
function seedLeadstagePermissionSet(store: OrgStore, at: number): void {
  const stamp = sfStamp(at);
  const audit = { CreatedDate: stamp, CreatedById: INTEGRATION_USER.id, LastModifiedDate: stamp, LastModifiedById: INTEGRATION_USER.id, SystemModstamp: stamp };
  const add = (object: string, values: Row): string => {
    const table = store.table(object)!;
    const id = store.ids.take(table.def.keyPrefix);
    store.add(table, Object.assign(store.blank(table), values, audit, { Id: id }));
    return id;
  };
  const setId = add('PermissionSet', { ...LEADSTAGE_PERMISSION_SET, Description: 'Read and edit access to the fields Leadstage writes', IsCustom: true });
  for (const spec of LEADSTAGE_FIELDS) {
    const [object, name] = spec.fullName.split('.') as [string, string];
    const sobject = object === 'Activity' ? 'Task' : object;
    add('FieldPermissions', { ParentId: setId, SobjectType: sobject, Field: `${sobject}.${name}`, PermissionsRead: true, PermissionsEdit: true });
  }
  add('PermissionSetAssignment', { AssigneeId: INTEGRATION_USER.id, PermissionSetId: setId });
  applyFieldAccess(store, INTEGRATION_USER.id);
}

export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const now = parseNow(options.now, DEFAULT_NOW);
  const seedOptions = resolveSeedOptions({
    seed: options.seed ?? DEFAULT_SEED, leads: options.leads, contacts: options.contacts, now, ...(options.shared ? { shared: options.shared } : {}),
  });
  const clock = typeof options.clock === 'object' ? options.clock : createClock(now, options.clock ?? 'running');
  const monotonic = options.monotonic ?? (() => performance.now());
  const store = new OrgStore(standardObjects());
  const seedCounts = seedOrg(store, seedOptions);
  // late commits (faults.lateCommitNext) become visible on the sandbox clock
  store.clock = () => clock.now();
  const rules = new OrgRules(store);
  const customFieldAccess = options.customFieldAccess ?? 'none';
  // field-level security is the running user's: the store shows custom fields as this user sees them
  const viewer = { userId: INTEGRATION_USER.id };
  if (options.withLeadstageFields) {
    for (const spec of LEADSTAGE_FIELDS) createCustomFieldNow({ store }, spec.fullName, spec.metadata, { at: now, by: INTEGRATION_USER.id, access: customFieldAccess });
    seedLeadstagePermissionSet(store, now);
  }
  let baseUrl = '';
  const hosts = { login: '', test: '' };
  const loginDomain = options.loginDomain ?? 'login';
  const auth = new AuthServer(
    {
      clientId: options.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
      accessTokenTtlMs: options.accessTokenTtlMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS,
      rotateRefreshTokens: options.rotateRefreshTokens ?? true,
      refreshTokenReuse: options.refreshTokenReuse ?? 'reject',
      callbackUrls: options.callbackUrls ?? DEFAULT_CALLBACK_URLS,
      scopes: options.oauthScopes ?? DEFAULT_APP_SCOPES,
      codeTtlMs: options.authorizationCodeTtlMs ?? DEFAULT_CODE_TTL_MS,
      maxGrantsPerUser: options.maxGrantsPerUser ?? 5,
      requireSecretForWebServerFlow: options.requireSecretForWebServerFlow ?? true,
    },
    clock,
    Prng.for(seedOptions.seed, 0x0a07),
    {
      orgId: ORG_ID, userId: INTEGRATION_USER.id, instanceUrl: () => baseUrl,
      // the identity URL is on the login host the org uses (login.salesforce.com, or test. for a sandbox org)
      identityBase: () => (loginDomain === 'test' ? hosts.test : hosts.login),
    },
  );
  const portKinds = new Map<number, HostKind>();
  const faults = new Faults(Prng.for(seedOptions.seed, 0xfa17), () => auth.expireAccessTokens());
  if (options.faults) faults.set(options.faults);
  const limitOptions: ApiLimitOptions = {
    ...DEFAULT_API_LIMITS,
    ...(options.dailyApiLimit !== undefined ? { dailyApiLimit: options.dailyApiLimit } : {}),
    ...(options.dailyBulkQueryJobs !== undefined ? { dailyBulkQueryJobs: options.dailyBulkQueryJobs } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {}),
  };
  const limits = new ApiLimits(limitOptions, () => clock.now(), monotonic);
  const ctx: SandboxContext = {
    store,
    clock,
    faults,
    limits,
    stats: new SandboxStats(),
    auth,
    cursors: new QueryCursors(() => clock.now(), options.maxCursorsPerToken ?? 50),
    bulk: new BulkQueryJobs(
      { delayMs: options.bulkJobDelayMs ?? 0, defaultPageSize: options.bulkResultsPageSize ?? 100_000, maxJobs: 100 },
      monotonic,
    ),
    assignment: new LeadAssignment(store),
    rules,
    prng: Prng.for(seedOptions.seed, 0xc0de),
    orgId: ORG_ID,
    url: () => baseUrl,
    hostOf: (req) => (portKinds.size === 0 ? 'single' : portKinds.get(req.socket.localPort ?? 0) ?? 'instance'),
    loginAccepted: (host) => (host === 'login' ? loginDomain !== 'test' : host === 'test' ? loginDomain !== 'login' : true),
    oauthSession: { userId: options.oauthSession === undefined ? INTEGRATION_USER.id : options.oauthSession },
    describeSeed: () => describeSeed(seedOptions),
    grantFieldAccess: (fullName) => grantFieldAccess(store, fullName, viewer.userId),
    revokeFieldAccess: (fullName) => revokeFieldAccess(store, fullName, viewer.userId),
    refreshFieldAccess: () => void applyFieldAccess(store, viewer.userId),
    runAs: (userId) => {
      if (userId === viewer.userId) return;
      viewer.userId = userId;
      applyFieldAccess(store, userId);
    },
    settings: {
      allowMetadata: options.allowMetadata ?? true,
      deserializationErrors: options.deserializationErrors ?? 'request',
      customFieldAccess,
      appName: options.appName ?? DEFAULT_APP_NAME,
      permissions: {
        managePermissionSets: options.allowPermissionSets ?? true,
        assignPermissionSets: options.allowPermissionSetAssignment ?? true,
      },
      refuseUniqueActivityFields: options.refuseUniqueActivityFields ?? false,
    },
    archiveActivities: (selection) => archiveActivities(store, clock.now(), selection),
  };
  const initial = auth.issueInitialTokens();

  // a larger header limit than Node's 16 KB, so an over-long URI gets Salesforce's 414, not Node's 431
  const app = createSandboxApp(ctx);
  const listen = (port?: number) => listenOnLoopback(http.createServer({ maxHeaderSize: 64 * 1024 }, app), port);
  const instance = await listen(options.port);
  const listening = [instance];
  baseUrl = instance.url;
  hosts.login = baseUrl;
  hosts.test = baseUrl;
  if (options.hosts === 'separate') {
    const login = await listen();
    const test = await listen();
    listening.push(login, test);
    hosts.login = login.url;
    hosts.test = test.url;
    portKinds.set(instance.port, 'instance').set(login.port, 'login').set(test.port, 'test');
  }
  const { port } = instance;
  const close = async () => {
    await Promise.all(listening.map((l) => l.close()));
  };
  return {
    url: baseUrl,
    loginUrl: hosts.login,
    testLoginUrl: hosts.test,
    instanceUrl: baseUrl,
    port,
    apiVersion: SANDBOX_API_VERSION,
    clientId: auth.options.clientId,
    clientSecret: auth.options.clientSecret,
    accessToken: initial.accessToken,
    refreshToken: initial.refreshToken,
    orgId: ORG_ID,
    userId: INTEGRATION_USER.id,
    store,
    clock,
    faults,
    limits,
    auth,
    seedCounts,
    stats: () => ctx.stats.snapshot(),
    resetStats: () => ctx.stats.reset(),
    describeSeed: () => describeSeed(seedOptions),
    issueTokens: () => auth.issueInitialTokens(),
    issueAuthorizationCode: (codeOptions = {}) => auth.issueAuthorizationCode(codeOptions),
    setOAuthSession: (userId) => {
      ctx.oauthSession.userId = userId;
    },
    expireTokens: () => faults.expireTokens(),
    grantFieldAccess: (fullName) => grantFieldAccess(store, fullName, viewer.userId),
    revokeFieldAccess: (fullName) => revokeFieldAccess(store, fullName, viewer.userId),
    addValidationRule: (spec) => rules.addValidationRule(spec),
    clearValidationRules: () => rules.clearValidationRules(),
    setPicklist: (spec) => rules.setPicklist(spec),
    archiveActivities: (selection) => archiveActivities(store, clock.now(), selection),
    close,
  };
}
