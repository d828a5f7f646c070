import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionRecord, Store } from '../store';

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export const SESSION_COOKIE = 'leadstage_session';

/** A random id for the browser; the store keeps only its hash. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Constant-time comparison of two tokens (CSRF, state binding). */
export function sameToken(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a === '' || b === '') return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface NewSession {
  /** The cookie value: shown to the browser once, never stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Signs a member in: a fresh random session id every time (no fixation), with its CSRF token. */
export async function startSession(store: Store, workspaceId: string, userId: string, now: number): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now + SESSION_TTL_MS);
  await store.sessions.create(hashToken(token), { workspaceId, userId, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
}

export async function findSession(store: Store, token: string | undefined, now: number): Promise<(SessionRecord & { hash: string }) | null> {
  if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const hash = hashToken(token);
  const session = await store.sessions.get(hash, new Date(now));
  return session ? { ...session, hash } : null;
}
