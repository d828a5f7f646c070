/**
 * The org's OAuth server: a connected app (client id and secret, callback URLs, selected scopes), the
 * web-server flow (authorization codes from the consent page or `issueAuthorizationCode`, optional PKCE
 * S256), access tokens that expire after `accessTokenTtlMs` of sandbox time (Salesforce's default session
 * timeout is 2 hours), and refresh tokens with rotation: each refresh answers a new refresh token and the
 * one used stops working (reusing it → 400 invalid_grant).
 *
 * What is Salesforce's here: codes are single-use and short-lived (15 minutes) and bound to the callback
 * URL and PKCE challenge they were issued for; a challenge without a verifier, or a wrong verifier, is
 * `invalid_grant` / `invalid code verifier`; a refresh token comes only with the `refresh_token` (or
 * `offline_access`) scope; at most 5 grants per user and app, the oldest revoked beyond that; revoked
 * and expired tokens are `invalid_grant` / `expired access/refresh token` at the token endpoint and
 * 401 INVALID_SESSION_ID at the API.
 *
 * Tokens come from the seeded PRNG, so a run is repeatable; they are opaque strings shaped like
 * Salesforce's (`00D…!AR…` access tokens, `5Aep861…` refresh tokens).
 */
import { createHash, createHmac } from 'node:crypto';
import type { SandboxClock } from '../kit/clock';
import type { Prng } from '../kit/prng';
import { oauthError } from './errors';

export interface AuthOptions {
  clientId: string;
  clientSecret: string;
  /** Access-token lifetime in sandbox-clock ms (default 2 h). */
  accessTokenTtlMs: number;
  /** Answer a new refresh token on every refresh and retire the used one (default true). */
  rotateRefreshTokens: boolean;
  /** What reusing a retired refresh token does besides failing: nothing, or revoke its whole family. */
  refreshTokenReuse: 'reject' | 'revoke-family';
  /** The connected app's callback URLs: `redirect_uri` must be one of them exactly. */
  callbackUrls: string[];
  /** The connected app's selected OAuth scopes; a request may ask for a subset (none asked: all of them). */
  scopes: string[];
  /** Authorization-code lifetime in sandbox-clock ms (15 minutes). */
  codeTtlMs: number;
  /** Grants (access/refresh token families) per user and app; a new one beyond revokes the oldest (Salesforce: 5). */
  maxGrantsPerUser: number;
  /**
   * The connected app's "Require Secret for Web Server Flow" (on by default in Salesforce): a code exchange
   * needs the client secret even with PKCE. Off: a PKCE verifier may stand in for it (a public client).
   */
  requireSecretForWebServerFlow: boolean;
}

export const DEFAULT_CALLBACK_URLS = [
  'http://localhost:3000/oauth/salesforce/callback',
  'http://127.0.0.1/oauth/salesforce/callback',
  'http://127.0.0.1/callback',
  'http://localhost/callback',
];
export const DEFAULT_APP_SCOPES = ['api', 'refresh_token', 'id', 'openid'];

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

interface AccessToken {
  userId: string;
  issuedAt: number;
  expiresAt: number;
  family: number;
}

interface RefreshToken {
  userId: string;
  family: number;
  active: boolean;
}

interface Family {
  userId: string;
  scopes: string[];
  createdAt: number;
  active: boolean;
}

interface AuthorizationCode {
  userId: string;
  redirectUri: string | undefined;
  codeChallenge: string | undefined;
  scopes: string[];
  expiresAt: number;
}

/** What the authorize endpoint refuses with an error page instead of a redirect. */
export class AuthorizeRefusal extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export interface CheckedAuthorize {
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  codeChallenge: string | undefined;
  /** `prompt` values (login, consent, select_account, none). */
  prompt: string[];
  immediate: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The scope of the tokens the sandbox hands out at start and from `issueInitialTokens`. */
const INITIAL_SCOPES = ['refresh_token', 'api'];

export class AuthServer {
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly families = new Map<number, Family>();

  constructor(
    readonly options: AuthOptions,
    private readonly clock: SandboxClock,
    private readonly prng: Prng,
    private readonly org: {
      orgId: string;
      userId: string;
      /** The org's instance (My Domain) URL, the token response's `instance_url`. */
      instanceUrl: () => string;
      /** The login host the identity URL (`id`) is on. */
      identityBase: () => string;
    },
  ) {}

  private random(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(this.prng.float() * ALPHABET.length)]!;
    return out;
  }

  private newFamily(userId: string, scopes: string[]): number {
    const id = this.families.size + 1;
    this.families.set(id, { userId, scopes, createdAt: this.clock.now(), active: true });
    return id;
  }

  private newAccessToken(userId: string, family: number): string {
    const token = `${this.org.orgId.slice(0, 15)}!AR${this.random(20)}.${this.random(60)}`;
    const now = this.clock.now();
    this.accessTokens.set(token, { userId, issuedAt: now, expiresAt: now + this.options.accessTokenTtlMs, family });
    return token;
  }

  private newRefreshToken(userId: string, family: number): string {
    const token = `5Aep861${this.random(80)}`;
    this.refreshTokens.set(token, { userId, family, active: true });
    return token;
  }

  /** A fresh pair for the integration user, as if the connected app had just been authorized. */
  issueInitialTokens(): { accessToken: string; refreshToken: string } {
    const family = this.newFamily(this.org.userId, INITIAL_SCOPES);
    return { accessToken: this.newAccessToken(this.org.userId, family), refreshToken: this.newRefreshToken(this.org.userId, family) };
  }

  /** The user behind a live access token, or undefined (unknown, revoked or expired). */
  userOf(accessToken: string): string | undefined {
    return this.liveAccess(accessToken)?.userId;
  }

  private liveAccess(accessToken: string): AccessToken | undefined {
    const token = this.accessTokens.get(accessToken);
    if (!token) return undefined;
    if (this.clock.now() >= token.expiresAt) {
      this.accessTokens.delete(accessToken);
      return undefined;
    }
    return token;
  }

  /** Invalidates every access token issued so far (the `expireTokens()` fault); refresh tokens keep working. */
  expireAccessTokens(): number {
    const count = this.accessTokens.size;
    this.accessTokens.clear();
    return count;
  }

  /**
   * Checks an authorize request the way Salesforce does before showing its login/consent page; a bad
   * client, callback URL or scope is an error page (no redirect: the callback URL is not trusted).
   */
  checkAuthorize(params: Record<string, string | undefined>): CheckedAuthorize {
    if (params.client_id !== this.options.clientId) throw new AuthorizeRefusal('invalid_client_id', 'client identifier invalid');
    if (!params.redirect_uri || !this.options.callbackUrls.includes(params.redirect_uri)) {
      throw new AuthorizeRefusal('redirect_uri_mismatch', 'redirect_uri must match configuration');
    }
    if (params.response_type !== 'code') throw new AuthorizeRefusal('unsupported_response_type', 'response type not supported');
    const requested = (params.scope ?? '').split(/[\s+]+/).filter((s) => s !== '');
    if (requested.some((s) => !this.options.scopes.includes(s))) throw new AuthorizeRefusal('invalid_scope', 'the requested scope is not allowed');
    if (params.code_challenge !== undefined && (params.code_challenge_method ?? 'S256') !== 'S256') {
      throw new AuthorizeRefusal('invalid_request', 'invalid code challenge method');
    }
    return {
      redirectUri: params.redirect_uri,
      state: params.state,
      scopes: requested.length > 0 ? requested : [...this.options.scopes],
      codeChallenge: params.code_challenge,
      prompt: (params.prompt ?? '').split(/[\s+]+/).filter((s) => s !== ''),
      immediate: params.immediate === 'true',
    };
  }

  issueAuthorizationCode(options: { redirectUri?: string; codeChallenge?: string; userId?: string; scopes?: string[] } = {}): string {
    const code = `aPrx${this.random(60)}`;
    this.codes.set(code, {
      userId: options.userId ?? this.org.userId,
      redirectUri: options.redirectUri,
      codeChallenge: options.codeChallenge,
      scopes: options.scopes ?? [...this.options.scopes],
      expiresAt: this.clock.now() + this.options.codeTtlMs,
    });
    return code;
  }

  /** The client id must be the app's; the secret must match when required, and whenever one is sent. */
  checkClient(params: Record<string, string | undefined>, requireSecret: boolean): void {
    if (params.client_id !== this.options.clientId) throw oauthError(400, 'invalid_client_id', 'client identifier invalid');
    const sent = params.client_secret !== undefined && params.client_secret !== '';
    if ((requireSecret || sent) && params.client_secret !== this.options.clientSecret) throw oauthError(400, 'invalid_client', 'invalid client credentials');
  }

  private secretRequiredForCode(params: Record<string, string | undefined>): boolean {
    return this.options.requireSecretForWebServerFlow || params.code_verifier === undefined;
  }

  /**
   * `POST /services/oauth2/token`; throws the OAuth error body Salesforce would send. `loginAccepted`
   * is false on a login host the org does not log in through (a sandbox org on login.salesforce.com).
   */
  token(params: Record<string, string | undefined>, loginAccepted = true): TokenResponse {
    const grant = params.grant_type;
    if (grant !== 'refresh_token' && grant !== 'authorization_code') throw oauthError(400, 'unsupported_grant_type', 'grant type not supported');
    if (!loginAccepted) {
      this.checkClient(params, grant === 'refresh_token' || this.secretRequiredForCode(params));
      throw oauthError(400, 'invalid_grant', 'authentication failure');
    }
    return grant === 'refresh_token' ? this.refresh(params) : this.exchangeCode(params);
  }

  private refresh(params: Record<string, string | undefined>): TokenResponse {
    this.checkClient(params, true);
    const presented = params.refresh_token ?? '';
    const token = this.refreshTokens.get(presented);
    if (!token || !token.active) {
      if (token && this.options.refreshTokenReuse === 'revoke-family') this.revokeFamily(token.family);
      throw oauthError(400, 'invalid_grant', 'expired access/refresh token');
    }
    const accessToken = this.newAccessToken(token.userId, token.family);
    if (!this.options.rotateRefreshTokens) return this.response(token.family, accessToken, undefined);
    token.active = false;
    return this.response(token.family, accessToken, this.newRefreshToken(token.userId, token.family));
  }

  private exchangeCode(params: Record<string, string | undefined>): TokenResponse {
    this.checkClient(params, this.secretRequiredForCode(params));
    const code = this.codes.get(params.code ?? '');
    if (!code || this.clock.now() >= code.expiresAt) throw oauthError(400, 'invalid_grant', 'invalid authorization code');
    this.codes.delete(params.code!);
    if (code.redirectUri !== undefined && params.redirect_uri !== code.redirectUri) {
      throw oauthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    }
    if (code.codeChallenge !== undefined) {
      // no verifier, or one that does not hash to the challenge: invalid_grant
      const verifier = params.code_verifier ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (verifier === '' || challenge !== code.codeChallenge) throw oauthError(400, 'invalid_grant', 'invalid code verifier');
    }
    const family = this.newFamily(code.userId, code.scopes);
    this.limitGrants(code.userId);
    const offline = code.scopes.includes('refresh_token') || code.scopes.includes('offline_access');
    return this.response(family, this.newAccessToken(code.userId, family), offline ? this.newRefreshToken(code.userId, family) : undefined);
  }

  /** Beyond `maxGrantsPerUser` live grants for the user, the oldest is revoked. */
  private limitGrants(userId: string): void {
    const live = [...this.families.entries()].filter(([, f]) => f.active && f.userId === userId).sort((a, b) => a[0] - b[0]);
    for (const [id] of live.slice(0, Math.max(0, live.length - this.options.maxGrantsPerUser))) this.revokeFamily(id);
  }

  /** `POST /services/oauth2/revoke`: a refresh token revokes its family; an access token just itself. */
  revoke(token: string): boolean {
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      this.revokeFamily(refresh.family);
      return true;
    }
    return this.accessTokens.delete(token);
  }

  private revokeFamily(family: number): void {
    const entry = this.families.get(family);
    if (entry) entry.active = false;
    for (const token of this.refreshTokens.values()) if (token.family === family) token.active = false;
    for (const [key, token] of this.accessTokens) if (token.family === family) this.accessTokens.delete(key);
  }

  /** `POST /services/oauth2/introspect` (RFC 7662 as Salesforce answers it). */
  introspect(params: Record<string, string | undefined>, username: (userId: string) => string | undefined): Record<string, unknown> {
    this.checkClient(params, true);
    const token = params.token ?? '';
    const seconds = (ms: number) => Math.floor(ms / 1000);
    const access = params.token_type_hint === 'refresh_token' ? undefined : this.liveAccess(token);
    if (access) {
      return {
        active: true, scope: this.scopesOf(access.family).join(' '), client_id: this.options.clientId, username: username(access.userId),
        sub: this.identityUrl(access.userId), token_type: 'access_token', exp: seconds(access.expiresAt), iat: seconds(access.issuedAt),
        nbf: seconds(access.issuedAt),
      };
    }
    const refresh = this.refreshTokens.get(token);
    if (refresh?.active) {
      const createdAt = this.families.get(refresh.family)?.createdAt ?? this.clock.now();
      return {
        active: true, scope: this.scopesOf(refresh.family).join(' '), client_id: this.options.clientId, username: username(refresh.userId),
        sub: this.identityUrl(refresh.userId), token_type: 'refresh_token', iat: seconds(createdAt), nbf: seconds(createdAt),
      };
    }
    return { active: false };
  }

  private scopesOf(family: number): string[] {
    return this.families.get(family)?.scopes ?? INITIAL_SCOPES;
  }

  identityUrl(userId: string): string {
    return `${this.org.identityBase()}/id/${this.org.orgId}/${userId}`;
  }

  private response(family: number, accessToken: string, refreshToken: string | undefined): TokenResponse {
    const userId = this.accessTokens.get(accessToken)!.userId;
    const issuedAt = String(this.clock.now());
    const id = this.identityUrl(userId);
    return {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature: createHmac('sha256', this.options.clientSecret).update(id + issuedAt).digest('base64'),
      scope: this.scopesOf(family).join(' '),
      instance_url: this.org.instanceUrl(),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  /** Live refresh tokens (for stats and tests). */
  activeRefreshTokens(): number {
    let n = 0;
    for (const token of this.refreshTokens.values()) if (token.active) n++;
    return n;
  }
}
