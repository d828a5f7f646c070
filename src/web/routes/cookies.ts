import type { Response } from 'express';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../../app/sessions';
import { STATE_COOKIE, STATE_TTL_MS } from '../../app/oauth-flow';

/** The session cookie: httpOnly, SameSite=Lax (the CRM's redirect back is a top-level GET), Secure in production. */
export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: SESSION_TTL_MS });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, secure, sameSite: 'lax', path: '/' });
}

/** Binds an OAuth flow to this browser: only sent to the callbacks, gone after 10 minutes. */
export function setStateCookie(res: Response, nonce: string, secure: boolean): void {
  res.cookie(STATE_COOKIE, nonce, { httpOnly: true, secure, sameSite: 'lax', path: '/oauth', maxAge: STATE_TTL_MS });
}

export function clearStateCookie(res: Response, secure: boolean): void {
  res.clearCookie(STATE_COOKIE, { httpOnly: true, secure, sameSite: 'lax', path: '/oauth' });
}
