/**
 * Installing from Salesforce: the OAuth 2.0 web server flow with PKCE (S256), the connected app's
 * (or External Client App's) client id and secret (reference §1 "Connection defaults and OAuth2",
 * Salesforce Help "OAuth 2.0 Web Server Flow for Web App Integration", "PKCE Extension").
 *
 *  - authorize: <login URL>/services/oauth2/authorize?response_type=code&client_id&redirect_uri
 *    &scope&state&code_challenge&code_challenge_method=S256; the verifier stays on our server with
 *    the state (jsforce keeps it on one OAuth2 instance only, which a callback in another request
 *    or process never sees);
 *  - code → tokens: POST <login URL>/services/oauth2/token with the code_verifier;
 *  - whose tokens: the answer's `id` is the identity URL …/id/<org id>/<user id>; the user's email
 *    and name come from /services/oauth2/userinfo (the identity URL itself if that fails);
 *  - disconnect: POST <login URL>/services/oauth2/revoke with the refresh token, which revokes it
 *    and every access token issued from it.
 */
import { z } from 'zod';
import type { ConnectedAccount, InstallCapability, OAuthApp, OAuthScope } from '../../../src/connector/connector-install';
import { OAuthExchangeError } from '../../../src/connector/connector-install';

export const DEFAULT_SALESFORCE_LOGIN_URL = 'https://login.salesforce.com';

/** The credentials shape the module stores (connector-module.ts SalesforceCredentialsSchema). */
export interface SalesforceOAuthCredentialsShape {
  accessToken: string;
  refreshToken: string;
  instanceUrl: string;
  loginUrl?: string | undefined;
  clientId: string;
  clientSecret?: string | undefined;
  apiVersion?: string | undefined;
}

export const SALESFORCE_INSTALL_SCOPES: readonly OAuthScope[] = [
  { scope: 'api', why: 'REST, Bulk API 2.0 and Tooling API calls: read leads, contacts, accounts, opportunities, campaign members and tasks; write the Leadstage fields and the Lead Status back; create the Leadstage custom fields; create Tasks for reps' },
  { scope: 'refresh_token', why: 'keep syncing after the admin closes the browser: Leadstage refreshes the access token itself (rotation supported)' },
  { scope: 'id', why: 'read who approved (user id, email) and which org the tokens belong to, so the org lands in the right workspace' },
];

/** Signing in asks only who the user is: no API access, no refresh token. */
export const SALESFORCE_SIGNIN_SCOPES: readonly OAuthScope[] = [
  { scope: 'id', why: 'who is signing in (user id, email) and from which org; no access to records' },
];

const VARIABLES = ['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_LOGIN_URL'] as const;

/** login.salesforce.com, test.salesforce.com (sandbox orgs), a My Domain, or loopback (the local sandbox). */
export function checkLoginUrl(value: string): string {
  if (!z.url({ protocol: /^https?$/ }).safeParse(value).success) throw new Error(`SALESFORCE_LOGIN_URL: expected a URL, got "${value}"`);
  const url = new URL(value);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const known = url.protocol === 'https:' && (/^(login|test)\.salesforce\.com$/i.test(url.hostname) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.my\.salesforce\.com$/i.test(url.hostname));
  if (!loopback && !known) {
    throw new Error(`SALESFORCE_LOGIN_URL: expected https://login.salesforce.com, https://test.salesforce.com or a My Domain (https://<name>.my.salesforce.com), got "${value}"`);
  }
  if (url.pathname !== '/' || url.search !== '') throw new Error(`SALESFORCE_LOGIN_URL: expected a bare origin without a path, got "${value}"`);
  return url.origin;
}

type Fetch = typeof fetch;

export function salesforceInstallCapability(fetchImpl: Fetch = (...args) => fetch(...args)): InstallCapability<SalesforceOAuthCredentialsShape> {
  return {
    variables: VARIABLES,
    scopes: { install: SALESFORCE_INSTALL_SCOPES, signin: SALESFORCE_SIGNIN_SCOPES },
    configure(env) {
      const clientId = env.SALESFORCE_CLIENT_ID;
      const clientSecret = env.SALESFORCE_CLIENT_SECRET;
      if (!clientId && !clientSecret) return null;
      const missing = [['SALESFORCE_CLIENT_ID', clientId], ['SALESFORCE_CLIENT_SECRET', clientSecret]].filter(([, value]) => !value).map(([name]) => name);
      if (missing.length > 0) throw new Error(`${missing.join(', ')}: required to install from Salesforce (the connected app's consumer key and secret) when the other is set`);
      return salesforceOAuthApp({ clientId: clientId!, clientSecret: clientSecret!, loginUrl: checkLoginUrl(env.SALESFORCE_LOGIN_URL ?? DEFAULT_SALESFORCE_LOGIN_URL) }, fetchImpl);
    },
  };
}

export interface SalesforceOAuthAppConfig {
  clientId: string;
  clientSecret: string;
  loginUrl: string;
}

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  instance_url?: string;
  id?: string;
  scope?: string;
}

interface UserInfo {
  user_id?: string;
  organization_id?: string;
  email?: string;
  name?: string;
  display_name?: string;
}

export function salesforceOAuthApp(config: SalesforceOAuthAppConfig, fetchImpl: Fetch = (...args) => fetch(...args)): OAuthApp<SalesforceOAuthCredentialsShape> {
  const endpoint = (path: string) => new URL(path, config.loginUrl).toString();
  return {
    pkce: true,
    secrets: [config.clientSecret],
    authorizeUrl({ purpose, state, redirectUri, codeChallenge }) {
      if (!codeChallenge) throw new Error('the Salesforce flow uses PKCE: a code challenge is required');
      const url = new URL('/services/oauth2/authorize', config.loginUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', (purpose === 'install' ? SALESFORCE_INSTALL_SCOPES : SALESFORCE_SIGNIN_SCOPES).map((s) => s.scope).join(' '));
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      return url.toString();
    },
    async exchangeCode({ purpose, code, redirectUri, codeVerifier }): Promise<ConnectedAccount<SalesforceOAuthCredentialsShape>> {
      if (!codeVerifier) throw new Error('the Salesforce flow uses PKCE: the code verifier is required');
      const tokens = await postForm<TokenResponse>(fetchImpl, endpoint('/services/oauth2/token'), 'POST /services/oauth2/token', {
        grant_type: 'authorization_code', code, client_id: config.clientId, client_secret: config.clientSecret, redirect_uri: redirectUri, code_verifier: codeVerifier,
      });
      const accessToken = tokens.access_token;
      if (!accessToken || !tokens.instance_url || !tokens.id) {
        throw new OAuthExchangeError('Salesforce POST /services/oauth2/token answered without an access token, instance URL or identity URL', 'INVALID_TOKEN_RESPONSE', 200);
      }
      if (purpose === 'install' && !tokens.refresh_token) {
        throw new OAuthExchangeError("Salesforce issued no refresh token: allow the refresh_token scope in the connected app's OAuth policies", 'NO_REFRESH_TOKEN', 200);
      }
      const identity = /\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(tokens.id);
      if (!identity) throw new OAuthExchangeError(`Salesforce's identity URL does not name an org and a user: ${tokens.id.slice(0, 200)}`, 'INVALID_TOKEN_RESPONSE', 200);
      const [, orgId, userId] = identity as unknown as [string, string, string];
      const info = await userInfo(fetchImpl, [endpoint('/services/oauth2/userinfo'), tokens.id], accessToken);
      if ((info.organization_id && !sameId(info.organization_id, orgId)) || (info.user_id && !sameId(info.user_id, userId))) {
        throw new OAuthExchangeError('Salesforce userinfo names another org or user than the identity URL', 'IDENTITY_MISMATCH', 200);
      }
      const email = typeof info.email === 'string' && info.email.includes('@') ? info.email.trim().toLowerCase() : null;
      if (!email) throw new OAuthExchangeError("Salesforce did not say the user's email", 'INCOMPLETE_TOKEN_INFO', 200);
      const instanceUrl = tokens.instance_url.replace(/\/+$/, '');
      return {
        externalAccountId: orgId,
        displayName: new URL(instanceUrl).host,
        user: { externalUserId: userId, email, name: info.name ?? info.display_name ?? null },
        credentials: {
          accessToken,
          // sign-in asks no refresh_token scope: its tokens are never stored
          refreshToken: tokens.refresh_token ?? '(none)',
          instanceUrl,
          loginUrl: config.loginUrl,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
        },
        ratePolicy: 'production',
        secrets: [accessToken, ...(tokens.refresh_token ? [tokens.refresh_token] : [])],
      };
    },
    async revoke(credentials) {
      const loginUrl = credentials.loginUrl ?? config.loginUrl;
      try {
        await postForm(fetchImpl, new URL('/services/oauth2/revoke', loginUrl).toString(), 'POST /services/oauth2/revoke', { token: credentials.refreshToken });
      } catch (error) {
        // invalid_token: already revoked (or the org removed the app): dead either way
        if (error instanceof OAuthExchangeError && error.status === 400) return;
        throw error;
      }
    },
  };
}

/** Salesforce ids come in 15- and 18-character forms; the first 15 are the id. */
function sameId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}

async function userInfo(fetchImpl: Fetch, urls: string[], accessToken: string): Promise<UserInfo> {
  let last: unknown = null;
  for (const url of urls) {
    try {
      const response = await fetchImpl(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
      if (response.ok) return (await response.json()) as UserInfo;
      last = new OAuthExchangeError(`Salesforce ${new URL(url).pathname.startsWith('/id/') ? 'identity URL' : 'GET /services/oauth2/userinfo'} answered ${response.status}`, `HTTP_${response.status}`, response.status);
    } catch (error) {
      last = error;
    }
  }
  throw last instanceof OAuthExchangeError ? last : new OAuthExchangeError(`Salesforce user info failed: ${(last as Error)?.message ?? 'no answer'}`, 'NO_RESPONSE', null);
}

async function postForm<T>(fetchImpl: Fetch, url: string, endpoint: string, params: Record<string, string>): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new OAuthExchangeError(`Salesforce ${endpoint} failed without a response: ${(error as Error).message}`, 'NO_RESPONSE', null);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = {};
  }
  if (!response.ok) {
    const code = typeof body.error === 'string' ? body.error : `HTTP_${response.status}`;
    const description = typeof body.error_description === 'string' ? body.error_description.slice(0, 300) : 'no description';
    throw new OAuthExchangeError(`Salesforce ${endpoint} answered ${response.status} (${code}): ${description}`, code, response.status);
  }
  return body as T;
}
