import type { RatePolicy } from '../rate-limit/rate-policy';

/**
 * Installing from the CRM: the optional OAuth capability a connector module offers
 * (`ConnectorModule.install`). The app runs the flow (signed single-use state, PKCE verifier kept
 * server-side, the callback, sealing, sessions) and knows no vendor; the connector knows its
 * authorize URL, its token endpoint, how to read the account and the user, and how to revoke.
 */

/** Why the flow runs: connecting a system (full scopes), or signing an admin in (the fewest scopes). */
export type OAuthPurpose = 'install' | 'signin';

/** One scope the app asks for, and why: shown in the README and on the console. */
export interface OAuthScope {
  scope: string;
  why: string;
  /** Asked as optional where the system allows it (the install still works without it). */
  optional?: boolean;
}

export interface InstallCapability<Credentials> {
  /** The environment variables `configure` reads, for messages and the README. */
  readonly variables: readonly string[];
  /** What each purpose asks for. */
  readonly scopes: Readonly<Record<OAuthPurpose, readonly OAuthScope[]>>;
  /**
   * The OAuth app from environment variables, or null when they are not set (installing this
   * system is then switched off). Throws naming the variable when one is set but invalid.
   */
  configure(env: Readonly<Record<string, string | undefined>>): OAuthApp<Credentials> | null;
}

/** A configured OAuth app: builds authorize URLs, exchanges codes, revokes. */
export interface OAuthApp<Credentials> {
  /** Whether the flow uses PKCE (S256): the app then keeps a verifier with the state, server-side. */
  readonly pkce: boolean;
  /** Secrets (the client secret) for the log redactor. */
  readonly secrets: readonly string[];
  authorizeUrl(request: AuthorizeRequest): string;
  /** Exchanges the callback's code for tokens and reads whose account and user they are. */
  exchangeCode(request: ExchangeRequest): Promise<ConnectedAccount<Credentials>>;
  /** Revokes an installation's tokens (disconnect). Resolves when the system no longer honours them. */
  revoke(credentials: Credentials): Promise<void>;
}

export interface AuthorizeRequest {
  purpose: OAuthPurpose;
  /** The signed, single-use state the callback must bring back. */
  state: string;
  redirectUri: string;
  /** base64url(SHA-256(verifier)) when `pkce`. */
  codeChallenge?: string;
}

export interface ExchangeRequest {
  purpose: OAuthPurpose;
  code: string;
  redirectUri: string;
  codeVerifier?: string;
  /** Now (epoch ms), to turn `expires_in` into an instant. */
  now: number;
}

/** What an OAuth callback yields: the account, the user who approved, their tokens. */
export interface ConnectedAccount<Credentials> {
  /** The account's id in its system (a portal, an org): one installation per account. */
  externalAccountId: string;
  displayName: string;
  user: ConnectedUser;
  /** In the module's credentials shape, ready to seal. */
  credentials: Credentials;
  /** The request budget the account's app tier gives, by name in the module's `ratePolicies`. */
  ratePolicy: string;
  /** Secrets in the credentials (tokens), for the log redactor. */
  secrets: readonly string[];
}

export interface ConnectedUser {
  /** The user's id in the system (stable, unlike an email). */
  externalUserId: string;
  email: string;
  name: string | null;
}

/** Named rate policy lookup, shared by the app (an installation keeps its policy by name). */
export function ratePolicyNamed(policies: Readonly<Record<string, RatePolicy>>, name: string | null | undefined): RatePolicy | null {
  return name && Object.hasOwn(policies, name) ? policies[name]! : null;
}

/** Turns a token endpoint's `expires_in` (seconds) into an instant, or null when it sent none. */
export function expiresAtFrom(expiresIn: unknown, now: number): number | null {
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? now + seconds * 1_000 : null;
}

/** An OAuth error from a system's token endpoint: `invalid_grant` means an admin must reconnect. */
export class OAuthExchangeError extends Error {
  override readonly name = 'OAuthExchangeError';
  constructor(
    message: string,
    /** The OAuth error code (`invalid_grant`, `invalid_client`, …) or `HTTP_<status>`; never a token. */
    readonly code: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}
