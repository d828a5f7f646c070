import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKey } from '../config/env';

/**
 * The key that encrypts CRM tokens at rest. Production sets LEADSTAGE_SECRET_KEY (the config check
 * requires it); a developer machine gets a random key kept next to the embedded database, so
 * stored installations survive restarts without any setup.
 */
export function loadSecretKey(envKey: string | undefined, dataDir: string): Buffer {
  if (envKey) return decodeKey(envKey)!;
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8').trim());
    if (key) return key;
    throw new Error(`${file} does not hold a 32-byte key; delete it to have a new one made (stored tokens then need re-entering)`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
