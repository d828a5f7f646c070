import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ConnectedAccount, OAuthApp, OAuthPurpose } from '../connector/connector-install';
import type { ConnectorModule } from '../connector/connector-module';
import type { ConnectorRegistry } from '../connector/connector-registry';
import { registerSecret } from '../log/redact';
import type { Installation } from '../store';
import { connectInstallation, type ConnectResult } from './installations';
import type { Runtime } from './runtime';
import { hashToken, sameToken, startSession, type NewSession } from './sessions';

/** How long an OAuth state is good for: the admin has this long to approve in the CRM. */
export const STATE_TTL_MS = 10 * 60_000;

/** The browser cookie that binds a flow to the browser that started it (login CSRF). */
export const STATE_COOKIE = 'leadstage_oauth';

/** A system that can be installed here: its module and its configured OAuth app. */
export interface Installable {
  module: ConnectorModule;
  app: OAuthApp<unknown>;
}

/**
 * The OAuth apps configured from the environment, by provider. A module whose variables are unset
 * is left out (installing it is off); one set but invalid stops start-up with the variable's name.
 */
export function configureInstallables(registry: ConnectorRegistry, env: Readonly<Record<string, string | undefined>>): Map<string, Installable> {
  const out = new Map<string, Installable>();
  const problems: string[] = [];
  for (const module of registry.modules) {
    try {
      const app = module.install?.configure(env) ?? null;
      if (!app) continue;
      for (const secret of app.secrets) registerSecret(secret);
      out.set(module.provider, { module, app });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(`OAuth app configuration: ${problems.join('; ')}`);
  return out;
}

/** Why a callback was refused: the page says it plainly, with the status to answer. */
export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 502 | 503,
    readonly title: string,
    message: string,
    /** A stable code for logs and tests. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface FlowDeps {
  runtime: Runtime;
  installables: ReadonlyMap<string, Installable>;
  /** The externally visible base URL (PUBLIC_URL): callbacks are `${publicUrl}/oauth/<provider>/callback`. */
  publicUrl: string;
  clock: () => number;
}

export function redirectUri(publicUrl: string, provider: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth/${encodeURIComponent(provider)}/callback`;
}

function mac(key: Buffer, provider: string, nonce: string): string {
  return createHmac('sha256', key).update(`${provider}\n${nonce}`).digest('base64url');
}

export interface StartedFlow {
  /** Where to send the browser: the CRM's consent page. */
  url: string;
  /** For the binding cookie. */
  nonce: string;
}

/**
 * Starts an install or sign-in: a random nonce, signed (HMAC with a key derived from
 * LEADSTAGE_SECRET_KEY) into the `state`, stored server-side (hashed) for single use with a
 * 10-minute expiry, with the PKCE verifier (sealed) when the system uses PKCE, and bound to the
 * session that started it (a second system joins that session's workspace).
 */
export async function startFlow(deps: FlowDeps, input: { provider: string; purpose: OAuthPurpose; sessionHash: string | null }): Promise<StartedFlow> {
  const installable = deps.installables.get(input.provider);
  if (!installable) throw new FlowError(404, 'Not available', `Installing from "${input.provider}" is not set up on this server.`, 'provider_unavailable');
  const nonce = randomBytes(32).toString('base64url');
  const idHash = hashToken(nonce);
  const verifier = installable.app.pkce ? randomBytes(48).toString('base64url') : null;
  await deps.runtime.store.sessions.createOAuthState(idHash, {
    provider: input.provider,
    purpose: input.purpose,
    codeVerifierSealed: verifier ? deps.runtime.box.seal(verifier, `oauth-state:${idHash}`) : null,
    sessionHash: input.sessionHash,
    expiresAt: new Date(deps.clock() + STATE_TTL_MS),
  });
  const state = `${nonce}.${mac(deps.runtime.deriveKey('oauth-state'), input.provider, nonce)}`;
  const url = installable.app.authorizeUrl({
    purpose: input.purpose,
    state,
    redirectUri: redirectUri(deps.publicUrl, input.provider),
    ...(verifier ? { codeChallenge: createHash('sha256').update(verifier).digest('base64url') } : {}),
  });
  return { url, nonce };
}

export interface CallbackInput {
  provider: string;
  state: string;
  code: string;
  /** The binding cookie's value. */
  browserNonce: string | undefined;
  /** The current session (if any): its hash, workspace, user and role. */
  session: { hash: string; workspaceId: string; userId: string; role: 'admin' | 'viewer' } | null;
}

export interface CallbackResult {
  purpose: OAuthPurpose;
  session: NewSession;
  workspaceId: string;
  /** For an install: what was connected. */
  connected: ConnectResult | null;
}

/** Checks the state: signature, single use, expiry, the browser and the session that started it. */
async function consumeState(deps: FlowDeps, input: CallbackInput): Promise<{ purpose: OAuthPurpose; codeVerifier: string | null; sessionHash: string | null }> {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(input.state);
  if (!match || !sameToken(match[2], mac(deps.runtime.deriveKey('oauth-state'), input.provider, match[1]!))) {
    throw new FlowError(400, 'Invalid sign-in link', 'The state of this sign-in does not verify: it was altered, or it belongs to another system. Start again.', 'state_invalid');
  }
  const nonce = match[1]!;
  const idHash = hashToken(nonce);
  const row = await deps.runtime.store.sessions.consumeOAuthState(idHash);
  if (!row || row.provider !== input.provider) {
    throw new FlowError(400, 'Link already used', 'This sign-in link was already used or is unknown. Start again.', 'state_reused');
  }
  if (Date.parse(row.expiresAt) <= deps.clock()) {
    throw new FlowError(400, 'Link expired', 'This sign-in link expired (it is good for 10 minutes). Start again.', 'state_expired');
  }
  if (!sameToken(input.browserNonce, nonce)) {
    throw new FlowError(400, 'Started elsewhere', 'This sign-in was started in another browser. Start again from this one.', 'state_browser');
  }
  if (row.sessionHash !== null && row.sessionHash !== input.session?.hash) {
    throw new FlowError(400, 'Session changed', 'You signed out or in as someone else since this started. Start again.', 'state_session');
  }
  const codeVerifier = row.codeVerifierSealed ? deps.runtime.box.open(row.codeVerifierSealed as never, `oauth-state:${idHash}`) : null;
  return { purpose: row.purpose, codeVerifier, sessionHash: row.sessionHash };
}

/**
 * The callback: state checked, code exchanged, then an install (the installation created or
 * re-activated in the admin's workspace, the installing user made admin and signed in) or a
 * sign-in (a member of the workspace that has this account installed).
 */
export async function completeFlow(deps: FlowDeps, input: CallbackInput): Promise<CallbackResult> {
  const installable = deps.installables.get(input.provider);
  if (!installable) throw new FlowError(404, 'Not available', `Installing from "${input.provider}" is not set up on this server.`, 'provider_unavailable');
  const state = await consumeState(deps, input);
  let account: ConnectedAccount<unknown>;
  try {
    account = await installable.app.exchangeCode({
      purpose: state.purpose,
      code: input.code,
      redirectUri: redirectUri(deps.publicUrl, input.provider),
      ...(state.codeVerifier ? { codeVerifier: state.codeVerifier } : {}),
      now: deps.clock(),
    });
  } catch (error) {
    deps.runtime.logger.warn('OAuth code exchange failed', { provider: input.provider, error: (error as Error).message });
    throw new FlowError(502, `${installable.module.label} did not confirm`, `${installable.module.label} did not accept the authorization (${(error as Error).message}). Start again.`, 'exchange_failed');
  }
  for (const secret of account.secrets) registerSecret(secret);
  const session = state.sessionHash ? input.session : null;
  return state.purpose === 'signin' ? signIn(deps, installable, account) : install(deps, installable, account, session);
}

async function signIn(deps: FlowDeps, installable: Installable, account: ConnectedAccount<unknown>): Promise<CallbackResult> {
  const { store } = deps.runtime;
  const installation = await store.installations.findByExternalAccount(installable.module.provider, account.externalAccountId);
  const user = (await store.users.findByIdentity(installable.module.provider, account.externalAccountId, account.user.externalUserId)) ?? (await store.users.findByEmail(account.user.email));
  const membership = installation && user ? await store.users.membership(installation.workspaceId, user.id) : null;
  if (!installation || !user || !membership) {
    throw new FlowError(403, 'No workspace', `${account.user.email} is not a member of a Leadstage workspace for this ${installable.module.label} account. Ask an admin of the workspace to add you, or install Leadstage from ${installable.module.label}.`, 'no_workspace');
  }
  await store.users.linkIdentity(user.id, installable.module.provider, account.externalAccountId, account.user.externalUserId);
  return { purpose: 'signin', session: await startSession(store, installation.workspaceId, user.id, deps.clock()), workspaceId: installation.workspaceId, connected: null };
}

async function install(deps: FlowDeps, installable: Installable, account: ConnectedAccount<unknown>, session: CallbackInput['session']): Promise<CallbackResult> {
  const { runtime } = deps;
  const { store } = runtime;
  const label = installable.module.label;
  if (session && session.role !== 'admin') throw new FlowError(403, 'Admins only', 'Only a workspace admin can connect a system.', 'not_admin');
  const existing: Installation | null = await store.installations.findByExternalAccount(installable.module.provider, account.externalAccountId);
  const installer = await store.users.findByIdentity(installable.module.provider, account.externalAccountId, account.user.externalUserId) ?? (await store.users.findByEmail(account.user.email));
  if (existing) {
    // the same account again (a reconnect): only into its own workspace, by one of its admins
    const allowed = session
      ? session.workspaceId === existing.workspaceId
      : installer !== null && (await store.users.membership(existing.workspaceId, installer.id))?.role === 'admin';
    if (!allowed) {
      throw new FlowError(409, 'Already connected', `This ${label} account is connected to another Leadstage workspace. Ask an admin of that workspace to reconnect it.`, 'account_taken');
    }
  }
  const workspaceId = existing?.workspaceId ?? session?.workspaceId ?? null;
  const connected = await connectInstallation(runtime, { provider: installable.module.provider, account, workspaceId, workspaceName: `${account.displayName}` });
  const user = await store.users.upsertByEmail(account.user.email, account.user.name);
  await store.users.linkIdentity(user.id, installable.module.provider, account.externalAccountId, account.user.externalUserId);
  await store.users.addMember(connected.installation.workspaceId, user.id, 'admin', { promoteOnly: true });
  return { purpose: 'install', session: await startSession(store, connected.installation.workspaceId, user.id, deps.clock()), workspaceId: connected.installation.workspaceId, connected };
}
