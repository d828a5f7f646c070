/**
 * Installing from HubSpot: the public app's OAuth flow (reference §1.8, HubSpot's v3 OAuth guide).
 *
 *  - authorize: https://app.hubspot.com/oauth/authorize?client_id&redirect_uri&scope&state;
 *  - code → tokens: POST /oauth/v3/token (grant_type=authorization_code), params in the body;
 *  - whose tokens: the token answer's hub_id/user_id, and POST /oauth/v3/token/introspect for the
 *    approving user's email and the app id (checked against HUBSPOT_APP_ID);
 *  - rate tier: a public OAuth app gets 110 requests per 10 s per installing account whatever the
 *    account's tier (the API Limit Increase add-on does not apply), hence `publicApp`;
 *  - disconnect: POST /oauth/v3/token/revoke with the refresh token.
 */
import { z } from 'zod';
import type { ConnectedAccount, InstallCapability, OAuthApp, OAuthScope } from '../../../src/connector/connector-install';
import { OAuthExchangeError } from '../../../src/connector/connector-install';
import { expiresAtFrom } from '../../../src/connector/connector-install';
import {
  DEFAULT_HUBSPOT_API_BASE, DEFAULT_HUBSPOT_OAUTH_BASE, idString, postTokenEndpoint,
  type HubSpotIntrospection, type HubSpotOAuthClient, type HubSpotTokenResponse,
} from './token-endpoint';

/** The OAuth credentials shape (the module's credentials schema holds it beside the private app's). */
export interface HubSpotOAuthCredentialsShape {
  kind: 'oauth';
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  clientId: string;
  clientSecret: string;
  basePath?: string | undefined;
  hubId: string;
  scopes?: string[] | undefined;
}

/** Either credentials shape the module stores (a private app's token cannot be revoked from here). */
export type HubSpotAnyCredentialsShape = HubSpotOAuthCredentialsShape | { kind?: 'private_app' | undefined; accessToken: string; basePath?: string | undefined };

export const HUBSPOT_INSTALL_SCOPES: readonly OAuthScope[] = [
  { scope: 'oauth', why: 'required of every HubSpot OAuth app; also covers the web analytics events API (page views, GET /events/v3/events)' },
  { scope: 'crm.objects.contacts.read', why: 'read contacts (the people to score) and the meetings, calls and emails reps log on them' },
  { scope: 'crm.objects.contacts.write', why: 'write the stage, scores, grade, priority and reasons back to contacts, and create first-touch tasks for reps' },
  { scope: 'crm.schemas.contacts.read', why: 'find the Leadstage property group and properties on contacts' },
  { scope: 'crm.schemas.contacts.write', why: 'create the Leadstage property group and properties on contacts when they are missing' },
  // optional (HubSpot's optional_scope): a portal without the feature (forms and marketing email
  // need Marketing Hub) still installs; those streams then stay empty
  { scope: 'crm.objects.companies.read', why: "read the contact's company (size, industry) for fit rules", optional: true },
  { scope: 'crm.objects.deals.read', why: 'read open and won deals: opportunity and customer stages come only from them', optional: true },
  { scope: 'forms', why: 'read forms and their submissions (demo requests, content downloads)', optional: true },
  { scope: 'content', why: 'read marketing email events (opens, clicks, bounces, unsubscribes)', optional: true },
  { scope: 'crm.objects.owners.read', why: 'read the owners and their teams, to assign a handoff with no contact owner by the rulebook', optional: true },
  // the contacts scope reads email engagements already (an email a rep sends is a first touch);
  // without this one HubSpot redacts their content, so only the subject shown with the touch is lost
  { scope: 'sales-email-read', why: 'read the subject of the emails reps send to contacts, shown with the touch they count as', optional: true },
];

/**
 * Signing in: HubSpot refuses an authorize link whose scopes are not exactly the app's required
 * ones, so sign-in cannot ask for less than those; it leaves out the optional ones, and its tokens
 * are used once, to read who signed in (introspection), and never stored.
 */
export const HUBSPOT_SIGNIN_SCOPES: readonly OAuthScope[] = HUBSPOT_INSTALL_SCOPES.filter((s) => !s.optional).map((s) => ({
  scope: s.scope,
  why: `${s.why} (HubSpot requires the app's required scopes on every authorize link; a sign-in's tokens are read once and discarded)`,
}));

const VARIABLES = ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'HUBSPOT_APP_ID', 'HUBSPOT_OAUTH_BASE_URL', 'HUBSPOT_API_BASE_URL'] as const;

type Fetch = typeof fetch;

export function hubspotInstallCapability(fetchImpl: Fetch = (...args) => fetch(...args)): InstallCapability<HubSpotAnyCredentialsShape> {
  return {
    variables: VARIABLES,
    scopes: { install: HUBSPOT_INSTALL_SCOPES, signin: HUBSPOT_SIGNIN_SCOPES },
    configure(env) {
      const clientId = env.HUBSPOT_CLIENT_ID;
      const clientSecret = env.HUBSPOT_CLIENT_SECRET;
      const appId = env.HUBSPOT_APP_ID;
      if (!clientId && !clientSecret && !appId) return null;
      const missing = [['HUBSPOT_CLIENT_ID', clientId], ['HUBSPOT_CLIENT_SECRET', clientSecret], ['HUBSPOT_APP_ID', appId]].filter(([, value]) => !value).map(([name]) => name);
      if (missing.length > 0) throw new Error(`${missing.join(', ')}: required to install from HubSpot (the public app's settings) when HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET or HUBSPOT_APP_ID is set`);
      if (!/^\d+$/.test(appId!)) throw new Error(`HUBSPOT_APP_ID: expected the app's numeric id, got "${appId}"`);
      return hubspotOAuthApp({
        clientId: clientId!,
        clientSecret: clientSecret!,
        appId: appId!,
        oauthBase: urlVariable(env, 'HUBSPOT_OAUTH_BASE_URL') ?? DEFAULT_HUBSPOT_OAUTH_BASE,
        apiBase: urlVariable(env, 'HUBSPOT_API_BASE_URL') ?? DEFAULT_HUBSPOT_API_BASE,
      }, fetchImpl);
    },
  };
}

function urlVariable(env: Readonly<Record<string, string | undefined>>, name: string): string | null {
  const value = env[name];
  if (!value) return null;
  if (!z.url({ protocol: /^https?$/ }).safeParse(value).success) throw new Error(`${name}: expected an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

export interface HubSpotOAuthAppConfig {
  clientId: string;
  clientSecret: string;
  appId: string;
  /** Where the consent page is: https://app.hubspot.com, or the sandbox. */
  oauthBase: string;
  /** Where the API and the token endpoints are: https://api.hubapi.com, or the sandbox. */
  apiBase: string;
}

export function hubspotOAuthApp(config: HubSpotOAuthAppConfig, fetchImpl: Fetch = (...args) => fetch(...args)): OAuthApp<HubSpotAnyCredentialsShape> {
  const client: HubSpotOAuthClient = { clientId: config.clientId, clientSecret: config.clientSecret, apiBase: config.apiBase };
  const apiIsDefault = config.apiBase === DEFAULT_HUBSPOT_API_BASE;
  return {
    pkce: false,
    secrets: [config.clientSecret],
    authorizeUrl({ purpose, state, redirectUri }) {
      const url = new URL('/oauth/authorize', config.oauthBase);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      const scopes = purpose === 'install' ? HUBSPOT_INSTALL_SCOPES : HUBSPOT_SIGNIN_SCOPES;
      url.searchParams.set('scope', scopes.filter((s) => !s.optional).map((s) => s.scope).join(' '));
      const optional = scopes.filter((s) => s.optional).map((s) => s.scope);
      if (optional.length > 0) url.searchParams.set('optional_scope', optional.join(' '));
      url.searchParams.set('state', state);
      return url.toString();
    },
    async exchangeCode({ code, redirectUri, now }): Promise<ConnectedAccount<HubSpotOAuthCredentialsShape>> {
      const tokens = await postTokenEndpoint<HubSpotTokenResponse>(client, '/oauth/v3/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, fetchImpl);
      if (!tokens || typeof tokens.access_token !== 'string' || tokens.access_token === '') {
        throw new OAuthExchangeError('HubSpot POST /oauth/v3/token answered without an access token', 'INVALID_TOKEN_RESPONSE', 200);
      }
      if (!tokens.refresh_token) throw new OAuthExchangeError('HubSpot POST /oauth/v3/token answered without a refresh token', 'INVALID_TOKEN_RESPONSE', 200);
      const info = await postTokenEndpoint<HubSpotIntrospection>(client, '/oauth/v3/token/introspect', { token: tokens.access_token, token_type_hint: 'access_token' }, fetchImpl);
      if (!info?.active) throw new OAuthExchangeError('HubSpot says the access token it just issued is not active', 'TOKEN_INACTIVE', 200);
      const appId = idString(info.app_id);
      if (appId !== null && appId !== config.appId) {
        throw new OAuthExchangeError(`HubSpot issued the token to app ${appId}, not to HUBSPOT_APP_ID ${config.appId}`, 'WRONG_APP', 200);
      }
      const hubId = idString(tokens.hub_id) ?? idString(info.hub_id);
      const userId = idString(tokens.user_id) ?? idString(info.user_id);
      const email = typeof info.user === 'string' && info.user.includes('@') ? info.user.trim().toLowerCase() : null;
      if (!hubId || !userId || !email) {
        throw new OAuthExchangeError(`HubSpot did not say ${[!hubId && 'which portal (hub_id)', !userId && 'which user (user_id)', !email && "the user's email (user)"].filter(Boolean).join(', ')} the token belongs to`, 'INCOMPLETE_TOKEN_INFO', 200);
      }
      const scopes = scopeList(tokens.scopes ?? info.scopes);
      return {
        externalAccountId: hubId,
        displayName: typeof info.hub_domain === 'string' && info.hub_domain !== '' ? info.hub_domain : `HubSpot portal ${hubId}`,
        user: { externalUserId: userId, email, name: null },
        credentials: {
          kind: 'oauth',
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          expiresAt: expiresAtFrom(tokens.expires_in, now) ?? now + 30 * 60_000,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          ...(apiIsDefault ? {} : { basePath: config.apiBase }),
          hubId,
          ...(scopes ? { scopes } : {}),
        },
        // a public OAuth app: 110 per 10 s per installing account, whatever the account's tier
        ratePolicy: 'publicApp',
        secrets: [tokens.access_token, tokens.refresh_token],
      };
    },
    async revoke(credentials) {
      // a private app's token belongs to the portal's admin: only they can rotate it
      if (credentials.kind !== 'oauth') return;
      try {
        await postTokenEndpoint(client, '/oauth/v3/token/revoke', { token: credentials.refreshToken, token_type_hint: 'refresh_token' }, fetchImpl);
      } catch (error) {
        // already revoked or the app uninstalled: the token is dead either way
        if (error instanceof OAuthExchangeError && error.status !== null && error.status >= 400 && error.status < 500 && error.status !== 429) return;
        throw error;
      }
    },
  };
}

/** Refreshes an installation's tokens with the credentials it was installed with. */
export function requestHubSpotRefresh(credentials: Pick<HubSpotOAuthCredentialsShape, 'clientId' | 'clientSecret' | 'basePath'>, fetchImpl: Fetch = (...args) => fetch(...args)) {
  const client: HubSpotOAuthClient = { clientId: credentials.clientId, clientSecret: credentials.clientSecret, apiBase: credentials.basePath ?? DEFAULT_HUBSPOT_API_BASE };
  return async (refreshToken: string): Promise<HubSpotTokenResponse> => {
    const response = await postTokenEndpoint<HubSpotTokenResponse>(client, '/oauth/v3/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, fetchImpl);
    if (!response) throw new OAuthExchangeError('HubSpot POST /oauth/v3/token answered with no body', 'INVALID_TOKEN_RESPONSE', 200);
    return response;
  };
}

function scopeList(value: unknown): string[] | null {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  if (typeof value === 'string' && value.trim() !== '') return value.trim().split(/\s+/);
  return null;
}
