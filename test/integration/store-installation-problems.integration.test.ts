import { recordConnectorProblems, recordSetupProblems } from '../../src/sync/installation-problems';
import type { InstallationProblem } from '../../src/connector/crm-connector';
import { DRIVER, openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * Installation problems (migration 007): what a connector could not do, recorded against the
 * installation with its fix, once per problem however often it is found; setup's replace setup's.
 */
describe(`installation problems (${DRIVER})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  const problem = (key: string, message = `${key} is wrong`): InstallationProblem => ({
    key, code: 'FIELD_ACCESS_MISSING', message, fix: `fix ${key}`, details: { fields: [key] },
  });

  it('records each problem once, counting how often it was found, and keeps the latest wording', async () => {
    const { installations: [installation] } = await seedWorkspace(t.store, 'Problems');
    const connector = { pending: [problem('a'), problem('b')], takeProblems() { const out = this.pending; this.pending = []; return out; } };
    await recordConnectorProblems(t.store, installation!, connector, Date.parse('2026-11-27T12:00:00Z'));
    connector.pending = [problem('a', 'a is still wrong')];
    await recordConnectorProblems(t.store, installation!, connector, Date.parse('2026-11-27T13:00:00Z'));
    await recordConnectorProblems(t.store, installation!, connector, Date.parse('2026-11-27T14:00:00Z'));
    const listed = await t.store.problems.list(installation!.workspaceId, installation!.id);
    expect(listed.map((p) => [p.key, p.scope, p.occurrences, p.message, p.fix])).toEqual([
      ['a', 'runtime', 2, 'a is still wrong', 'fix a'], ['b', 'runtime', 1, 'b is wrong', 'fix b'],
    ]);
    expect(listed[0]).toMatchObject({ details: { fields: ['a'] }, firstSeenAt: '2026-11-27T12:00:00.000Z', lastSeenAt: '2026-11-27T13:00:00.000Z' });
  });

  it('setup replaces what setup found before (a fixed problem disappears) and leaves runtime problems alone', async () => {
    const { installations: [installation] } = await seedWorkspace(t.store, 'Setup problems');
    const now = Date.parse('2026-11-27T12:00:00Z');
    await recordSetupProblems(t.store, installation!, { problems: [problem('fls'), problem('status')] }, now);
    await recordConnectorProblems(t.store, installation!, { takeProblems: () => [problem('dropped')] }, now);
    await recordSetupProblems(t.store, installation!, { problems: [problem('status')] }, now + 1000);
    expect((await t.store.problems.list(installation!.workspaceId, installation!.id)).map((p) => `${p.scope}:${p.key}`).sort()).toEqual(['runtime:dropped', 'setup:status']);
    await recordSetupProblems(t.store, installation!, undefined, now + 2000);
    expect((await t.store.problems.list(installation!.workspaceId, installation!.id)).map((p) => p.key)).toEqual(['dropped']);
    expect(await t.store.problems.resolve(installation!.workspaceId, installation!.id, ['dropped'])).toBe(1);
    expect(await t.store.problems.list(installation!.workspaceId, installation!.id)).toEqual([]);
  });
});
