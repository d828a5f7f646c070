import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKeys } from '../config/env';
import { registerSecret } from '../log/redact';

/**
 * The keys that encrypt CRM tokens at rest, the current one first (a SecretBox takes them as they
 * come). Production sets LEADSTAGE_SECRET_KEY (the config check requires it): one key, or during a
 * rotation the new key then the old ones, comma-separated. A developer machine gets a random key
 * kept next to the embedded database, so stored installations survive restarts without any setup.
 * Every key is registered with the log redactor, as written and in base64 and hex.
 */
export function loadSecretKey(envKey: string | undefined, dataDir: string): Buffer[] {
  if (envKey) return registered(envKey, decodeKeys(envKey)!);
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    const keys = decodeKeys(text);
    if (keys) return registered(text, keys);
    throw new Error(`${file} does not hold a 32-byte key; delete it to have a new one made (stored tokens then need re-entering)`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return registered(key.toString('hex'), [key]);
}

function registered(text: string, keys: Buffer[]): Buffer[] {
  for (const part of text.split(',')) registerSecret(part.trim());
  for (const key of keys) {
    registerSecret(key.toString('base64'));
    registerSecret(key.toString('hex'));
  }
  return keys;
}
