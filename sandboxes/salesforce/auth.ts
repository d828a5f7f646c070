/**
 * The org's OAuth server: a connected app (client id and secret), access tokens that expire after
 * `accessTokenTtlMs` of sandbox time (Salesforce's default session timeout is 2 hours), and refresh
 * tokens with rotation: each refresh answers a new refresh token and the one used stops working
 * (reusing it → 400 invalid_grant). Authorization codes (web-server flow, optional PKCE S256) can be
 * minted from code (`issueAuthorizationCode`) or through `GET /services/oauth2/authorize`.
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
}

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
  expiresAt: number;
  family: number;
}

interface RefreshToken {
  userId: string;
  family: number;
  active: boolean;
}

interface AuthorizationCode {
  userId: string;
  redirectUri: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CODE_TTL_MS = 15 * 60_000;
const SCOPE = 'refresh_token api';

export class AuthServer {
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private families = 0;

  constructor(
    readonly options: AuthOptions,
    private readonly clock: SandboxClock,
    private readonly prng: Prng,
    private readonly org: { orgId: string; userId: string; instanceUrl: () => string },
  ) {}

  private random(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(this.prng.float() * ALPHABET.length)]!;
    return out;
  }

  private newAccessToken(userId: string, family: number): string {
    const token = `${this.org.orgId.slice(0, 15)}!AR${this.random(20)}.${this.random(60)}`;
    this.accessTokens.set(token, { userId, expiresAt: this.clock.now() + this.options.accessTokenTtlMs, family });
    return token;
  }

  private newRefreshToken(userId: string, family: number): string {
    const token = `5Aep861${this.random(80)}`;
    this.refreshTokens.set(token, { userId, family, active: true });
    return token;
  }

  /** A fresh pair for the integration user, as if the connected app had just been authorized. */
  issueInitialTokens(): { accessToken: string; refreshToken: string } {
    const family = ++this.families;
    return { accessToken: this.newAccessToken(this.org.userId, family), refreshToken: this.newRefreshToken(this.org.userId, family) };
  }

  /** The user behind a live access token, or undefined (unknown, revoked or expired). */
  userOf(accessToken: string): string | undefined {
    const token = this.accessTokens.get(accessToken);
    if (!token) return undefined;
    if (this.clock.now() >= token.expiresAt) {
      this.accessTokens.delete(accessToken);
      return undefined;
    }
    return token.userId;
  }

  /** Invalidates every access token issued so far (the `expireTokens()` fault); refresh tokens keep working. */
  expireAccessTokens(): number {
    const count = this.accessTokens.size;
    this.accessTokens.clear();
    return count;
  }

  issueAuthorizationCode(options: { redirectUri?: string; codeChallenge?: string } = {}): string {
    const code = `aPrx${this.random(60)}`;
    this.codes.set(code, {
      userId: this.org.userId, redirectUri: options.redirectUri, codeChallenge: options.codeChallenge, expiresAt: this.clock.now() + CODE_TTL_MS,
    });
    return code;
  }

  checkClient(params: Record<string, string | undefined>, requireSecret: boolean): void {
    if (params.client_id !== this.options.clientId) throw oauthError(400, 'invalid_client_id', 'client identifier invalid');
    if (requireSecret && params.client_secret !== this.options.clientSecret) throw oauthError(400, 'invalid_client', 'invalid client credentials');
  }

  /** `POST /services/oauth2/token`; throws the OAuth error body Salesforce would send. */
  token(params: Record<string, string | undefined>): TokenResponse {
    switch (params.grant_type) {
      case 'refresh_token':
        return this.refresh(params);
      case 'authorization_code':
        return this.exchangeCode(params);
      case undefined:
      case '':
        throw oauthError(400, 'unsupported_grant_type', 'grant type not supported');
      default:
        throw oauthError(400, 'unsupported_grant_type', 'grant type not supported');
    }
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
    if (!this.options.rotateRefreshTokens) return this.response(token.userId, accessToken, undefined);
    token.active = false;
    return this.response(token.userId, accessToken, this.newRefreshToken(token.userId, token.family));
  }

  private exchangeCode(params: Record<string, string | undefined>): TokenResponse {
    this.checkClient(params, params.code_verifier === undefined);
    const code = this.codes.get(params.code ?? '');
    if (!code || this.clock.now() >= code.expiresAt) throw oauthError(400, 'invalid_grant', 'invalid authorization code');
    this.codes.delete(params.code!);
    if (code.redirectUri !== undefined && params.redirect_uri !== code.redirectUri) {
      throw oauthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    }
    if (code.codeChallenge !== undefined) {
      const verifier = params.code_verifier ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (challenge !== code.codeChallenge) throw oauthError(400, 'invalid_grant', 'invalid code verifier');
    }
    const family = ++this.families;
    return this.response(code.userId, this.newAccessToken(code.userId, family), this.newRefreshToken(code.userId, family));
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
    for (const token of this.refreshTokens.values()) if (token.family === family) token.active = false;
    for (const [key, token] of this.accessTokens) if (token.family === family) this.accessTokens.delete(key);
  }

  identityUrl(userId: string): string {
    return `${this.org.instanceUrl()}/id/${this.org.orgId}/${userId}`;
  }

  private response(userId: string, accessToken: string, refreshToken: string | undefined): TokenResponse {
    const issuedAt = String(this.clock.now());
    const id = this.identityUrl(userId);
    return {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature: createHmac('sha256', this.options.clientSecret).update(id + issuedAt).digest('base64'),
      scope: SCOPE,
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
