import { loadSecretKey } from '../../app/secret-key';
import { loadEnv, type Env } from '../../config/env';
import { createStore, type Sealed, type Store } from '../../store';
import { SecretBox, SecretBoxError } from '../../store/secret-box';
import { commandHelp, parseOptions } from '../options';
import type { CommandIo } from './command';

export const KEYS_ROTATE_HELP = commandHelp(
  'usage: leadstage keys rotate',
  "Re-seals every installation's credentials in the store with the current key: the first of",
  'LEADSTAGE_SECRET_KEY, which during a rotation holds the new key, then the old ones, comma-separated',
  '(LEADSTAGE_SECRET_KEY="<new>,<old>"). Afterwards the old keys can be removed. Prints how many',
  'credentials were re-sealed, were already current, or could not be opened (each named with the key',
  'id it was sealed with; a key id is a short hash, never the key). Exit 0 when every credential is',
  'sealed with the current key, 1 otherwise. Safe to run again, and while workers run.',
  '',
  'The store is the one the other commands use: DATABASE_URL, or the embedded store in',
  'LEADSTAGE_DATA_DIR (stop the process that holds it first). docs/operations.md, "Secrets and key rotation".',
  '',
  '  -h, --help   this help',
);

export interface RotationReport {
  keyId: string;
  resealed: number;
  current: number;
  failed: Array<{ installationId: string; label: string; problem: string }>;
}

/** `leadstage keys rotate`: exit 0 when every stored credential ends sealed with the current key. */
export async function keysRotate(args: string[], io: CommandIo): Promise<number> {
  parseOptions(args, {}, KEYS_ROTATE_HELP);
  const env = loadEnv();
  const box = new SecretBox(loadSecretKey(env.LEADSTAGE_SECRET_KEY, env.LEADSTAGE_DATA_DIR));
  const store = await openStore(env);
  let report: RotationReport;
  try {
    report = await rotateCredentials(store, box);
  } finally {
    await store.close();
  }
  for (const failure of report.failed) io.err(`installation ${failure.installationId} (${failure.label}): ${failure.problem}`);
  io.out(
    `keys rotate: current key id ${report.keyId}; ${report.resealed} credential${report.resealed === 1 ? '' : 's'} re-sealed, ` +
      `${report.current} already current, ${report.failed.length} could not be opened`,
  );
  return report.failed.length === 0 ? 0 : 1;
}

/** The store as the runtime opens it (runtime.ts): PostgreSQL at DATABASE_URL, else the embedded store in LEADSTAGE_DATA_DIR. */
function openStore(env: Env): Promise<Store> {
  return createStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.LEADSTAGE_DATA_DIR });
}

interface StoredCredentials {
  id: string;
  workspaceId: string;
  provider: string;
  displayName: string;
  sealed: Sealed;
}

/**
 * Re-seals each installation's credentials with the box's current key (the installation id stays
 * the context). A worker may save refreshed tokens meanwhile: the new value is written only if
 * the stored one is still the value that was opened, else the stored one is read again, so a
 * refreshed token is never overwritten by an older one.
 */
export async function rotateCredentials(store: Store, box: SecretBox): Promise<RotationReport> {
  const report: RotationReport = { keyId: box.keyId, resealed: 0, current: 0, failed: [] };
  // every workspace's installations: a maintenance pass over the whole table, not a tenant's query
  const { rows } = await store.db.query<StoredCredentials>(
    `SELECT id, workspace_id AS "workspaceId", provider, display_name AS "displayName", credentials_sealed AS sealed
       FROM installations WHERE credentials_sealed IS NOT NULL ORDER BY created_at, id`,
  );
  for (const row of rows) {
    const label = `${row.provider} ${row.displayName}`;
    let sealed: Sealed | null = row.sealed;
    for (let attempt = 0; sealed !== null; attempt++) {
      if (box.isCurrent(sealed)) {
        report.current++;
        break;
      }
      let resealed: Sealed;
      try {
        resealed = box.reseal(sealed, row.id);
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        report.failed.push({ installationId: row.id, label, problem: error.message });
        break;
      }
      const { rowCount } = await store.db.query(
        `UPDATE installations SET credentials_sealed = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 AND credentials_sealed = $4`,
        [row.workspaceId, row.id, resealed, sealed],
      );
      if (rowCount === 1) {
        report.resealed++;
        break;
      }
      if (attempt >= 4) {
        report.failed.push({ installationId: row.id, label, problem: 'its credentials kept changing while being re-sealed; run keys rotate again' });
        break;
      }
      sealed = await store.installations.getCredentials(row.workspaceId, row.id); // changed meanwhile (a token refresh): take the new value
    }
  }
  return report;
}
