/**
 * `leadstage keys rotate` on a real store: credentials sealed with key A (and with A before key ids
 * existed) open under "B,A", are re-sealed with B, and then open with "B" alone; a credential
 * sealed with a key nobody configured is reported by its key id and left as it was.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { openCredentials, sealCredentials } from '../../src/app/credentials';
import { runCli } from '../../src/cli/main';
import { rotateCredentials } from '../../src/cli/commands/keys-rotate.command';
import { createStore, type Installation, type Sealed, type Store } from '../../src/store';
import { SecretBox, keyIdOf } from '../../src/store/secret-box';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

const A = SecretBox.generateKey();
const B = SecretBox.generateKey();
const C = SecretBox.generateKey();
const schema = z.object({ accessToken: z.string(), refreshToken: z.string() });
const credentialsOf = (name: string) => ({ accessToken: `at-${name}-0001`, refreshToken: `rt-${name}-0002` });

/** A value as the SecretBox sealed it before key ids: `v1.<base64 nonce|tag|ciphertext>` (secret-box.unit.test.ts holds one it made). */
function sealedBeforeKeyIds(key: string, plaintext: string, context: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}` as Sealed;
}

async function seed(store: Store): Promise<Record<'withA' | 'beforeKeyIds' | 'withC' | 'none', Installation>> {
  const { installations } = await seedWorkspace(store, 'Rotation', ['hubspot', 'salesforce', 'hubspot', 'salesforce']);
  const [withA, beforeKeyIds, withC, none] = installations as [Installation, Installation, Installation, Installation];
  await store.installations.setCredentials(withA.workspaceId, withA.id, sealCredentials(new SecretBox(A), withA.id, credentialsOf('a')));
  await store.installations.setCredentials(beforeKeyIds.workspaceId, beforeKeyIds.id, sealedBeforeKeyIds(A, JSON.stringify(credentialsOf('v1')), beforeKeyIds.id));
  await store.installations.setCredentials(withC.workspaceId, withC.id, sealCredentials(new SecretBox(C), withC.id, credentialsOf('c')));
  return { withA, beforeKeyIds, withC, none };
}

describe('rotating the key that seals stored credentials', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('seals with A; "B,A" opens; rotate; "B" alone opens; an unknown key is named by its key id', async () => {
    const { store } = t;
    const { withA, beforeKeyIds, withC } = await seed(store);
    const during = new SecretBox([B, A]);
    expect(await openCredentials(store, during, withA, schema)).toEqual(credentialsOf('a'));
    expect(await openCredentials(store, during, beforeKeyIds, schema)).toEqual(credentialsOf('v1'));
    const withCBefore = await store.installations.getCredentials(withC.workspaceId, withC.id);

    const report = await rotateCredentials(store, during);
    // other test files' installations may share the table on PostgreSQL: count this workspace's
    expect(report.keyId).toBe(keyIdOf(B));
    expect(report.failed.filter((failure) => failure.installationId === withC.id)).toEqual([
      { installationId: withC.id, label: `hubspot ${withC.displayName}`, problem: expect.stringContaining(`sealed with key id ${keyIdOf(C)}, which is not among the configured keys`) },
    ]);
    expect(JSON.stringify(report)).not.toContain(C);

    const after = new SecretBox(B);
    expect(await openCredentials(store, after, withA, schema)).toEqual(credentialsOf('a'));
    expect(await openCredentials(store, after, beforeKeyIds, schema)).toEqual(credentialsOf('v1'));
    for (const installation of [withA, beforeKeyIds]) {
      expect(SecretBox.keyIdIn((await store.installations.getCredentials(installation.workspaceId, installation.id))!)).toBe(keyIdOf(B));
    }
    expect(await store.installations.getCredentials(withC.workspaceId, withC.id)).toBe(withCBefore); // left as it was

    // a second run finds them current
    const again = await rotateCredentials(store, during);
    expect(again.resealed).toBe(0);
    expect(again.current).toBeGreaterThanOrEqual(2);
  });

  it('never overwrites credentials a worker saved while it ran', async () => {
    const { store } = t;
    const { withA } = await seed(store);
    const during = new SecretBox([B, A]);
    const refreshed = sealCredentials(new SecretBox(A), withA.id, credentialsOf('refreshed'));
    // the worker's save lands between the rotation's read and its write
    const query = store.db.query.bind(store.db);
    let saved = false;
    const racing = Object.create(store) as Store;
    racing.db = Object.create(store.db);
    racing.db.query = (async (sql: string, params?: unknown[]) => {
      if (!saved && sql.startsWith('UPDATE installations SET credentials_sealed') && params?.[1] === withA.id) {
        saved = true;
        await store.installations.setCredentials(withA.workspaceId, withA.id, refreshed);
      }
      return query(sql, params as never);
    }) as Store['db']['query'];
    await rotateCredentials(racing, during);
    expect(saved).toBe(true);
    expect(await openCredentials(store, new SecretBox(B), withA, schema)).toEqual(credentialsOf('refreshed'));
  });
});

describe('leadstage keys rotate', () => {
  const saved = { ...process.env };
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'leadstage-rotate-'));
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-seals the embedded store with the current key and reports the counts', async () => {
    // the embedded store the command opens from LEADSTAGE_DATA_DIR, as every command does without DATABASE_URL
    const store = await createStore({ dataDir });
    const { withA, beforeKeyIds } = await seed(store);
    await store.close();

    process.env = { ...saved, LEADSTAGE_DATA_DIR: dataDir, LEADSTAGE_SECRET_KEY: `${B},${A}` };
    delete process.env.DATABASE_URL;
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['keys', 'rotate'], { out: (line) => out.push(line), err: (line) => err.push(line) });
    expect(out).toEqual([`keys rotate: current key id ${keyIdOf(B)}; 2 credentials re-sealed, 0 already current, 1 could not be opened`]);
    expect(err).toEqual([expect.stringMatching(new RegExp(`^installation [0-9a-f-]+ \\(hubspot Rotation hubspot\\): secret-box ciphertext was sealed with key id ${keyIdOf(C)}`))]);
    expect(code).toBe(1);

    const reopened = await createStore({ dataDir });
    try {
      for (const installation of [withA, beforeKeyIds]) expect(await openCredentials(reopened, new SecretBox(B), installation, schema)).toBeDefined();
    } finally {
      await reopened.close();
    }
  });
});
