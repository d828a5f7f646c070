/**
 * What a process cached about an installation (the Installation, its connector) is dropped in
 * every process when one of them says it changed: `runtime.forget` publishes on a channel under
 * the runtime's prefix. Two runtimes on the same prefix stand for two processes.
 */
import './support/native-pglite';
import type { Runtime } from '../../src/app/runtime';
import { ensureInstallations } from '../../src/app/bootstrap';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';
import { waitUntil } from './support/sync-harness';

describe('installation changes reach every process', () => {
  const run = uniqueRun('changes');
  let here: Runtime | undefined;
  let there: Runtime | undefined;

  beforeAll(async () => {
    here = await openTestRuntime(run, { queueDriver: 'in-process' });
    there = await openTestRuntime(run, { queueDriver: 'in-process' });
  });
  afterAll(async () => {
    await closeTestRuntime(there);
    await closeTestRuntime(here);
  });

  it('another process forgetting an installation drops this one\'s cached copy', async () => {
    const [installation] = await ensureInstallations(here!.store, here!.box, 'Changes', 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: `${run}-a`, displayName: 'A', credentials: { accessToken: 'x', basePath: 'http://127.0.0.1:1' } },
    ]);
    const cached = await here!.deps.installation(installation!.workspaceId, installation!.id);
    expect(await here!.deps.installation(installation!.workspaceId, installation!.id)).toBe(cached);
    there!.forget(installation!.id);
    await waitUntil('the change to arrive', async () => (await here!.deps.installation(installation!.workspaceId, installation!.id)) !== cached, 5_000, 20);
  });
});
