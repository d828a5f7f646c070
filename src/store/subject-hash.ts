import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Who an erasure was about, without keeping who it was: a keyed HMAC-SHA256 of the normalised
 * email. The key is derived (HKDF-SHA256) from the deployment's secret key with its own label, so
 * it is never the key that seals CRM tokens, and without that secret a hash cannot be tested
 * against a list of guessed addresses. The same address always gives the same hash in one
 * deployment, which is what lets a repeated request be recognised.
 */
export type SubjectHasher = (email: string) => string;

const LABEL = 'leadstage erasure subject v1';

export function subjectHasher(secretKey: Buffer): SubjectHasher {
  if (secretKey.length < 32) throw new Error(`the erasure subject key needs a 32-byte secret, got ${secretKey.length}`);
  const key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), LABEL, 32));
  return (email) => createHmac('sha256', key).update(normalizeSubject(email), 'utf8').digest('hex');
}

/** The same normalisation people are matched by (trimmed, lower case). */
export function normalizeSubject(email: string): string {
  return email.trim().toLowerCase();
}
