import { randomBytes } from 'node:crypto';
import './native-pglite';
import type { Decision } from '../../../src/model/decision';
import type { Person } from '../../../src/model/person';
import { createStore, type CreateStoreOptions, type Store } from '../../../src/store/store';
import type { Installation, Provider, Workspace } from '../../../src/store/records';
// the leftover check (test/leftovers/) looks for schemas of this name
import { TEST_SCHEMA_PREFIX } from '../../leftovers/names';

/**
 * The store suites are written once and run on whichever driver the environment selects:
 * PGlite in memory by default, the PostgreSQL server when DATABASE_URL is set. On the server each
 * test file gets a schema of its own, dropped afterwards, so parallel runs never collide.
 */
export const DATABASE_URL = process.env.DATABASE_URL;
export const DRIVER: 'pg' | 'pglite' = DATABASE_URL ? 'pg' : 'pglite';

export interface TestStore {
  store: Store;
  /** Options that open another connection to the same database (pg only; PGlite is one process). */
  sameDatabase: CreateStoreOptions;
  cleanup(): Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  if (!DATABASE_URL) {
    const store = await createStore({ dataDir: 'memory' });
    return { store, sameDatabase: {}, cleanup: () => store.close() };
  }
  const schema = `${TEST_SCHEMA_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const sameDatabase = { databaseUrl: DATABASE_URL, schema };
  const store = await createStore(sameDatabase);
  return {
    store,
    sameDatabase,
    cleanup: async () => {
      await store.db.query(`DROP SCHEMA ${schema} CASCADE`);
      await store.close();
    },
  };
}

let counter = 0;
/** External account ids are unique across the whole table, so every fixture makes its own. */
export function uniqueAccountId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}`;
}

export async function seedWorkspace(
  store: Store,
  name: string,
  providers: Provider[] = ['hubspot'],
): Promise<{ workspace: Workspace; installations: Installation[] }> {
  const workspace = await store.workspaces.create(name);
  const installations: Installation[] = [];
  for (const provider of providers) {
    installations.push(
      await store.installations.create(workspace.id, {
        provider,
        externalAccountId: uniqueAccountId(provider),
        displayName: `${name} ${provider}`,
        status: 'active',
      }),
    );
  }
  return { workspace, installations };
}

export function person(overrides: Partial<Person> = {}): Person {
  return { id: 'crm-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', title: 'VP Operations', ...overrides };
}

export function decision(personId: string, overrides: Partial<Decision> = {}): Decision {
  return {
    personId,
    stage: 'mql',
    mqlTier: null,
    excluded: null,
    fit: { score: 40, grade: 'A' },
    engagement: { score: 20 },
    score: 60,
    slaStartAt: null,
    priority: 'warm',
    reasons: [{ text: 'VP Operations at a 450-employee manufacturer', points: 40 }],
    missingForHandoff: [],
    transition: { from: 'lead', to: 'mql', reason: 'fit score reached 40', at: '2025-03-01T10:00:00.000Z' },
    rulebookVersion: '2025.1',
    enteredAt: { mql: '2025-03-01T10:00:00.000Z' },
    recycledAt: null,
    history: [],
    ...overrides,
  };
}
