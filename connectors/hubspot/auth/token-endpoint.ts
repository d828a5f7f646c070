/**
 * HubSpot's v3 OAuth endpoints (`POST /oauth/v3/token`, `/token/introspect`, `/token/revoke`): every
 * parameter in an x-www-form-urlencoded body, never the query string, so the client secret and
 * tokens stay out of URLs and server logs. Not the SDK's `oauth.tokensApi`: it still calls the
 * deprecated `/oauth/v1/token` (reference §1.8).
 */
import { OAuthExchangeError } from '../../../src/connector/connector-install';

export const DEFAULT_HUBSPOT_API_BASE = 'https://api.hubapi.com';
export const DEFAULT_HUBSPOT_OAUTH_BASE = 'https://app.hubspot.com';

export interface HubSpotOAuthClient {
  clientId: string;
  clientSecret: string;
  /** API host the token endpoints live on: https://api.hubapi.com, or the sandbox. */
  apiBase: string;
}

/** The token endpoint's answer (authorization_code and refresh_token grants). */
export interface HubSpotTokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  hub_id?: number | string;
  user_id?: number | string;
  scopes?: string[] | string;
}

/** Introspection of an access token: `active` is all the spec guarantees; the rest is read if sent. */
export interface HubSpotIntrospection {
  active: boolean;
  hub_id?: number | string;
  user_id?: number | string;
  /** The email of the user who approved the install. */
  user?: string;
  app_id?: number | string;
  hub_domain?: string;
  scopes?: string[] | string;
}

type Fetch = typeof fetch;

export async function postTokenEndpoint<T>(client: HubSpotOAuthClient, path: '/oauth/v3/token' | '/oauth/v3/token/introspect' | '/oauth/v3/token/revoke', params: Record<string, string>, fetchImpl: Fetch = fetch): Promise<T | null> {
  const endpoint = `POST ${path}`;
  let response: Response;
  try {
    response = await fetchImpl(new URL(path, client.apiBase), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: client.clientId, client_secret: client.clientSecret, ...params }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new OAuthExchangeError(`HubSpot ${endpoint} failed without a response: ${(error as Error).message}`, 'NO_RESPONSE', null);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) throw refusal(endpoint, response.status, body, params.grant_type);
  return body as T | null;
}

/**
 * A refusal, with what it means: HubSpot answers a refresh token it no longer honours (the app was
 * uninstalled, the token revoked) or a spent authorization code with a 400, so a 400/401/403 on a
 * grant is `invalid_grant` (an admin must reconnect); a 5xx or 429 is worth retrying.
 */
function refusal(endpoint: string, status: number, body: unknown, grantType: string | undefined): OAuthExchangeError {
  const field = (name: string) => {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const said = field('error') ?? field('status') ?? field('category');
  const message = (field('error_description') ?? field('message') ?? 'no message').slice(0, 300);
  const code = grantType && (status === 400 || status === 401 || status === 403) ? 'invalid_grant' : (said ?? `HTTP_${status}`);
  return new OAuthExchangeError(`HubSpot ${endpoint} answered ${status}${said ? ` (${said})` : ''}: ${message}`, code, status);
}

/** HubSpot ids arrive as numbers in some answers and strings in others. */
export function idString(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
