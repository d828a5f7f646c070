/**
 * The portal's side of a HubSpot public app ("install from the CRM"): one registered app (client id and
 * secret, app id, redirect URIs, required and optional scopes), the authorization codes its consent page
 * issues, and the grants a code exchange creates, each with one refresh token and the access tokens it
 * mints. What is HubSpot's (reference §1.8; `/oauth/2026-03` spec of HubSpot-public-api-spec-collection):
 * - access tokens live `expires_in` = 1800 s of the sandbox clock; refresh tokens do not rotate (a
 *   refresh answers the same refresh token) and live until revoked or the app is uninstalled;
 * - codes are single-use and expire (10 minutes here), bound to the redirect URI (and an optional PKCE
 *   S256 challenge) they were issued for;
 * - the token response is `{access_token, refresh_token, expires_in, token_type, token_use, hub_id,
 *   scopes, user_id}`; introspection answers the spec's PublicAccessTokenInfoResponse /
 *   PublicRefreshTokenInfoResponse, or `{active: false}`.
 * Uninstalling revokes every grant of the portal. Tokens come from the seeded PRNG, so runs repeat.
 */
import { createHash } from 'node:crypto';
import type { SandboxClock } from '../kit/clock';
import type { Prng } from '../kit/prng';
import { OWNERS, PORTAL_ID } from './seed-catalog';

export interface HubSpotAppOptions {
  /** App name shown on the consent page. */
  name: string;
  clientId: string;
  clientSecret: string;
  appId: number;
  /** Redirect URLs registered in the app's settings; `redirect_uri` must be one of them exactly. */
  redirectUris: string[];
  /** Scopes the app requires: the install URL's `scope` must name exactly these. */
  scopes: string[];
  /** Scopes the app may ask for in `optional_scope` (granted: the portal has every product). */
  optionalScopes: string[];
  /** Access-token lifetime in seconds of the sandbox clock (HubSpot: 1800). */
  accessTokenTtlSeconds: number;
  /** Authorization-code lifetime in ms of the sandbox clock. */
  codeTtlMs: number;
  /** The installing user: a HubSpot user id of the portal (the owners' `userId`s); unset → the page lets you pick. */
  installingUserId?: number;
  /** The rolling limit of OAuth calls per installing account (public apps: 110 per 10 s). */
  rateLimit: { maxPerWindow: number; windowMs: number };
  /** Starts installed, as if a user had approved the app before (no tokens are issued until asked). */
  installed: boolean;
}

export const DEFAULT_APP: HubSpotAppOptions = {
  name: 'Leadstage',
  clientId: '5f0c6a2e-8d1b-4f3a-9c7e-2b4d6f8a0c1e',
  clientSecret: '9a7b5c3d-1e2f-4a6b-8c0d-e1f2a3b4c5d6',
  appId: 4815162,
  redirectUris: ['http://localhost:3000/oauth/hubspot/callback', 'http://127.0.0.1/oauth/hubspot/callback'],
  scopes: [
    'oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.read',
    'crm.schemas.contacts.write', 'crm.objects.owners.read',
  ],
  optionalScopes: ['crm.objects.companies.read', 'crm.objects.deals.read', 'forms', 'content', 'sales-email-read'],
  accessTokenTtlSeconds: 1800,
  codeTtlMs: 10 * 60_000,
  rateLimit: { maxPerWindow: 110, windowMs: 10_000 },
  installed: false,
};

/** The portal's users (the sales team, HubSpot user ids 9100101…): who may install the app. */
export const PORTAL_USERS = OWNERS.map((o) => ({ id: o.userId, email: o.email, name: `${o.firstName} ${o.lastName}` }));
export type PortalUser = (typeof PORTAL_USERS)[number];

/** The account a consent page names. */
export const PORTAL_NAME = `Demo portal ${PORTAL_ID}`;
export const HUB_DOMAIN = `demo-portal-${PORTAL_ID}.hubspot.com`;

/** A token endpoint failure: HubSpot's `status` code and message (400). */
export class OAuthFailure extends Error {
  constructor(
    readonly status: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

/** What the authorize endpoint refuses with an error page (no redirect): unknown app, bad redirect, scopes. */
export class AuthorizeRefusal extends Error {
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AuthorizeRequest {
  clientId: string | undefined;
  redirectUri: string | undefined;
  scope: string | undefined;
  optionalScope: string | undefined;
  state: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
}

/** A request the consent page may show: the app and what it gets. */
export interface CheckedAuthorize {
  app: HubSpotAppOptions;
  redirectUri: string;
  scopes: string[];
  optionalScopes: string[];
  state: string | undefined;
  codeChallenge: string | undefined;
}

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'bearer';
  token_use: 'access_token';
  hub_id: number;
  scopes: string[];
  user_id: number;
}

interface Grant {
  id: number;
  userId: number;
  scopes: string[];
  refreshToken: string;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

interface AuthorizationCode {
  userId: number;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | undefined;
  expiresAt: number;
}

/** The outcome of presenting a bearer token that is not a private-app token. */
export type OAuthCheck =
  | { kind: 'ok'; userId: number; scopes: readonly string[]; token: string }
  | { kind: 'expired'; expiredAt: number }
  | { kind: 'invalid' };

export interface OAuthCounters {
  authorizationCodesIssued: number;
  consentDenied: number;
  grants: { authorization_code: number; refresh_token: number };
  failures: Record<string, number>;
  revocations: number;
  uninstalls: number;
  expiredTokenRequests: number;
}

export function noOAuthCounters(): OAuthCounters {
  return {
    authorizationCodesIssued: 0, consentDenied: 0, grants: { authorization_code: 0, refresh_token: 0 }, failures: {},
    revocations: 0, uninstalls: 0, expiredTokenRequests: 0,
  };
}

const HEX = '0123456789abcdef';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function splitScopes(value: string | undefined): string[] {
  return (value ?? '').split(/[\s+,]+/).filter((s) => s !== '');
}

export class HubSpotOAuth {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private grants = 0;
  private installedFlag: boolean;
  counters: OAuthCounters = noOAuthCounters();
  /** Called when the app is uninstalled from the portal (webhooks stop). */
  onUninstall: () => void = () => undefined;

  constructor(
    readonly app: HubSpotAppOptions,
    private readonly clock: SandboxClock,
    private readonly prng: Prng,
  ) {
    this.installedFlag = app.installed;
  }

  get hubId(): number {
    return PORTAL_ID;
  }

  /** Whether the app is installed in the portal (a user approved it and nobody uninstalled it since). */
  get installed(): boolean {
    return this.installedFlag;
  }

  /** The limiter key every OAuth call of the app in this portal shares (110 per 10 s per installing account). */
  get rateLimitKey(): string {
    return `oauth-app:${this.app.appId}:hub:${PORTAL_ID}`;
  }

  private random(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.prng.float() * alphabet.length)]!;
    return out;
  }

  private uuidish(): string {
    return [8, 4, 4, 4, 12].map((n) => this.random(n, HEX)).join('-');
  }

  user(id: number): PortalUser | undefined {
    return PORTAL_USERS.find((u) => u.id === id);
  }

  /** Checks an install URL's parameters the way the authorize page does; throws what HubSpot shows instead. */
  checkAuthorize(request: AuthorizeRequest): CheckedAuthorize {
    const app = this.app;
    if (!request.clientId || request.clientId !== app.clientId) {
      throw new AuthorizeRefusal('Invalid client_id', `The client_id "${request.clientId ?? ''}" does not belong to any app.`);
    }
    if (!request.redirectUri || !app.redirectUris.includes(request.redirectUri)) {
      throw new AuthorizeRefusal(
        'Invalid redirect_uri',
        `Authorization failed because the redirect URL "${request.redirectUri ?? ''}" doesn't match a redirect URL in the app's settings.`,
      );
    }
    const scopes = splitScopes(request.scope);
    const optional = splitScopes(request.optionalScope);
    const required = new Set(app.scopes);
    const sameRequired = scopes.length === required.size && scopes.every((s) => required.has(s));
    const badOptional = optional.filter((s) => !app.optionalScopes.includes(s));
    if (!sameRequired || badOptional.length > 0) {
      throw new AuthorizeRefusal(
        'Scope mismatch',
        "Authorization failed because there is a mismatch between the scopes in the install URL and the app's configured scopes.",
      );
    }
    if (request.codeChallenge !== undefined && (request.codeChallengeMethod ?? 'S256') !== 'S256') {
      throw new AuthorizeRefusal('Invalid code_challenge_method', 'Only code_challenge_method=S256 is supported.');
    }
    return { app, redirectUri: request.redirectUri, scopes, optionalScopes: optional, state: request.state, codeChallenge: request.codeChallenge };
  }

  /** The user approved: the app is installed and an authorization code issued. */
  approve(checked: CheckedAuthorize, userId: number): string {
    const code = this.uuidish();
    this.codes.set(code, {
      userId, redirectUri: checked.redirectUri, scopes: [...checked.scopes, ...checked.optionalScopes],
      codeChallenge: checked.codeChallenge, expiresAt: this.clock.now() + this.app.codeTtlMs,
    });
    this.installedFlag = true;
    this.counters.authorizationCodesIssued += 1;
    return code;
  }

  deny(): void {
    this.counters.consentDenied += 1;
  }

  private fail(status: string, message: string): never {
    this.counters.failures[status] = (this.counters.failures[status] ?? 0) + 1;
    throw new OAuthFailure(status, message);
  }

  private checkClient(params: Record<string, string | undefined>): void {
    if (params.client_id !== this.app.clientId) this.fail('BAD_CLIENT_ID', 'missing or invalid client id');
    if (params.client_secret !== this.app.clientSecret) this.fail('BAD_CLIENT_SECRET', 'missing or invalid client secret');
  }

  /** `POST /oauth/v3/token`. */
  token(params: Record<string, string | undefined>): TokenResponse {
    const grantType = params.grant_type;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      this.fail('BAD_GRANT_TYPE', 'missing or unknown grant_type; use authorization_code or refresh_token');
    }
    this.checkClient(params);
    if (grantType === 'authorization_code') {
      const key = params.code ?? '';
      const code = this.codes.get(key);
      if (!code || this.clock.now() >= code.expiresAt) this.fail('BAD_AUTH_CODE', 'missing or unknown auth code');
      this.codes.delete(key);
      if (params.redirect_uri !== code.redirectUri) this.fail('BAD_REDIRECT_URI', 'redirect_uri does not match the redirect_uri of the authorization request');
      if (code.codeChallenge !== undefined) {
        const verifier = params.code_verifier ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== code.codeChallenge) {
          this.fail('BAD_AUTH_CODE', 'missing or invalid code_verifier');
        }
      }
      this.counters.grants.authorization_code += 1;
      return this.newGrant(code.userId, code.scopes);
    }
    const grant = this.refreshTokens.get(params.refresh_token ?? '');
    if (!grant || grant.revoked) this.fail('BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    this.counters.grants.refresh_token += 1;
    return this.response(grant, this.newAccessToken(grant));
  }

  /** Installs the app as `userId` and exchanges a code at once: the tokens a finished install leaves. */
  install(userId: number = this.app.installingUserId ?? PORTAL_USERS[0]!.id, optionalScopes: string[] = []): TokenResponse {
    if (!this.user(userId)) throw new Error(`no portal user ${userId}; users: ${PORTAL_USERS.map((u) => u.id).join(', ')}`);
    this.installedFlag = true;
    this.counters.authorizationCodesIssued += 1;
    this.counters.grants.authorization_code += 1;
    return this.newGrant(userId, [...this.app.scopes, ...optionalScopes]);
  }

  private newGrant(userId: number, scopes: string[]): TokenResponse {
    const grant: Grant = { id: ++this.grants, userId, scopes, refreshToken: `na1-${this.uuidish()}`, revoked: false };
    this.refreshTokens.set(grant.refreshToken, grant);
    this.installedFlag = true;
    return this.response(grant, this.newAccessToken(grant));
  }

  private newAccessToken(grant: Grant): string {
    // HubSpot's access tokens are opaque and up to ~300 characters (reference §1.8).
    const token = `C${this.random(1, 'IJKLMNOP')}${this.random(170, TOKEN_ALPHABET)}`;
    const now = this.clock.now();
    this.accessTokens.set(token, { grant, issuedAt: now, expiresAt: now + this.app.accessTokenTtlSeconds * 1000, revoked: false });
    return token;
  }

  private response(grant: Grant, accessToken: string): TokenResponse {
    return {
      access_token: accessToken,
      refresh_token: grant.refreshToken,
      expires_in: this.app.accessTokenTtlSeconds,
      token_type: 'bearer',
      token_use: 'access_token',
      hub_id: PORTAL_ID,
      scopes: [...grant.scopes],
      user_id: grant.userId,
    };
  }

  /** A bearer token presented to an API endpoint. */
  check(token: string): OAuthCheck {
    const access = this.accessTokens.get(token);
    if (!access || access.revoked || access.grant.revoked) return { kind: 'invalid' };
    if (this.clock.now() >= access.expiresAt) {
      this.counters.expiredTokenRequests += 1;
      return { kind: 'expired', expiredAt: access.expiresAt };
    }
    return { kind: 'ok', userId: access.grant.userId, scopes: access.grant.scopes, token };
  }

  /** `POST /oauth/v3/token/introspect`. */
  introspect(params: Record<string, string | undefined>): Record<string, unknown> {
    this.checkClient(params);
    const token = params.token ?? '';
    const access = params.token_type_hint === 'refresh_token' ? undefined : this.accessTokens.get(token);
    if (access && !access.revoked && !access.grant.revoked && this.clock.now() < access.expiresAt) {
      return { ...this.accessInfo(token, access), active: true };
    }
    const grant = this.refreshTokens.get(token);
    if (grant && !grant.revoked) {
      const user = this.user(grant.userId);
      return {
        active: true, app_id: this.app.appId, client_id: this.app.clientId, hub_domain: HUB_DOMAIN, hub_id: PORTAL_ID,
        scopes: [...grant.scopes], token, token_type: 'refresh', token_use: 'refresh_token', user: user?.email, user_id: grant.userId,
      };
    }
    return { active: false };
  }

  private accessInfo(token: string, access: AccessToken): Record<string, unknown> {
    const user = this.user(access.grant.userId);
    return {
      active: true,
      app_id: this.app.appId,
      client_id: this.app.clientId,
      expires_in: Math.max(0, Math.floor((access.expiresAt - this.clock.now()) / 1000)),
      hub_domain: HUB_DOMAIN,
      hub_id: PORTAL_ID,
      is_private_distribution: false,
      scopes: [...access.grant.scopes],
      signed_access_token: {
        appId: this.app.appId, expiresAt: access.expiresAt, hubId: PORTAL_ID, installingUserId: access.grant.userId,
        isPrivateDistribution: false, isServiceAccount: false, isUserLevel: false, scopes: access.grant.scopes.join(' '),
        userId: access.grant.userId,
      },
      token,
      token_type: 'access',
      token_use: 'access_token',
      user: user?.email,
      user_id: access.grant.userId,
    };
  }

  /** `GET /oauth/v1/access-tokens/:token` (legacy metadata), or undefined when not live. */
  accessTokenMetadata(token: string): Record<string, unknown> | undefined {
    const access = this.accessTokens.get(token);
    if (!access || access.revoked || access.grant.revoked || this.clock.now() >= access.expiresAt) return undefined;
    const { active: _active, client_id: _client, token_use: _use, ...rest } = this.accessInfo(token, access);
    return rest;
  }

  /** `GET /oauth/v1/refresh-tokens/:token` (legacy metadata), or undefined. */
  refreshTokenMetadata(token: string): Record<string, unknown> | undefined {
    const grant = this.refreshTokens.get(token);
    if (!grant || grant.revoked) return undefined;
    return {
      token, user: this.user(grant.userId)?.email, hub_id: PORTAL_ID, scopes: [...grant.scopes], client_id: this.app.clientId,
      user_id: grant.userId, hub_domain: HUB_DOMAIN, token_type: 'refresh',
    };
  }

  /**
   * `POST /oauth/v3/token/revoke` (client credentials checked) and `DELETE /oauth/v1/refresh-tokens/:token`:
   * a refresh token ends its grant, and the access tokens minted from it with it; an access token just
   * itself. Answers whether anything was live.
   */
  revoke(token: string, params?: Record<string, string | undefined>): boolean {
    if (params) this.checkClient(params);
    const grant = this.refreshTokens.get(token);
    if (grant && !grant.revoked) {
      grant.revoked = true;
      this.counters.revocations += 1;
      return true;
    }
    const access = this.accessTokens.get(token);
    if (access && !access.revoked) {
      access.revoked = true;
      this.counters.revocations += 1;
      return true;
    }
    return false;
  }

  /** The app is uninstalled from the portal: every grant ends, codes are void, webhooks stop. */
  uninstall(): { grantsRevoked: number; wasInstalled: boolean } {
    let grantsRevoked = 0;
    for (const grant of this.refreshTokens.values()) {
      if (!grant.revoked) {
        grant.revoked = true;
        grantsRevoked++;
      }
    }
    this.codes.clear();
    const wasInstalled = this.installedFlag;
    this.installedFlag = false;
    this.counters.uninstalls += 1;
    this.onUninstall();
    return { grantsRevoked, wasInstalled };
  }

  /** Live grants (one per finished install or code exchange not revoked since). */
  liveGrants(): number {
    let n = 0;
    for (const grant of this.refreshTokens.values()) if (!grant.revoked) n++;
    return n;
  }

  resetCounters(): void {
    this.counters = noOAuthCounters();
  }
}

/** HubSpot's wording of how long ago a token expired: "5 minute(s)", "75 second(s)". */
export function expiredAgo(ms: number): string {
  const seconds = Math.max(1, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} second(s)`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} minute(s)`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} hour(s)`;
  return `${Math.floor(seconds / 86_400)} day(s)`;
}
