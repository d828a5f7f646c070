import './support/native-pglite';
import { startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';
import { hubspotConnectorModule } from '../../connectors/hubspot/connector-module';
import { ensureInstallations } from '../../src/app/bootstrap';
import type { Runtime } from '../../src/app/runtime';
import { closeTestRuntime, openTestRuntime } from './support/test-runtime';
import type { ConnectorContext, ConnectorModule } from '../../src/connector/connector-module';
import { createConnectorRegistry } from '../../src/connector/connector-registry';
import type { RequestKind } from '../../src/rate-limit';
import type { Installation } from '../../src/store';
import { runJob } from '../../src/worker/run-job';
import { uniqueRun } from './support/sync-harness';

/**
 * The request budget is the installation's own: chosen at install (the public app's 110 per 10 s per
 * installing account) or from configuration (a private app's tier), stored with the installation and
 * read by the runtime, never a per-provider guess. The sandbox enforces the portal's real limits for
 * the app type in use: a Starter portal's private app gets 100 per 10 s, so pacing it at the public
 * app's 110 earns 429s there, as it would on a real portal.
 */
describe('HubSpot rate policy per installation', () => {
  let sandbox: HubSpotSandbox;
  let runtime: Runtime;
  let prefix: string;
  /** What each connector was built with: its `beforeRequest` is the installation's lease on the shared limiter. */
  const contexts = new Map<string, ConnectorContext<unknown>>();

  beforeAll(async () => {
    // a Starter portal: its private app may make 100 requests per 10 s (the default tier, said for clarity)
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 50, tier: 'starter' });
    prefix = uniqueRun('rate-policy');
    const recording: ConnectorModule = {
      ...(hubspotConnectorModule as ConnectorModule),
      connect(credentials, context) {
        contexts.set(context.installationId, context);
        return hubspotConnectorModule.connect(credentials as never, context as never);
      },
    };
    // no `ratePolicies` override: every installation is paced by the policy stored with it
    // a schema of its own on PostgreSQL, dropped with every key under the prefix by closeTestRuntime
    runtime = await openTestRuntime(prefix, { connectors: createConnectorRegistry([recording]) });
  });

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await sandbox.close();
  });

  /** `count` calls made as the connector makes them: a lease on the installation's budget, the request, the settle. */
  async function burst(installation: Installation, token: string, count: number, kind: RequestKind = 'standard'): Promise<{ statuses: number[]; seconds: number }> {
    await runtime.deps.connectorFor(installation);
    const context = contexts.get(installation.id)!;
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: count }, async () => {
        const settle = await context.beforeRequest(kind);
        const response = await fetch(`${sandbox.url}/crm/v3/owners?limit=1`, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        await settle();
        return response.status;
      }),
    );
    return { statuses, seconds: (Date.now() - started) / 1000 };
  }

  it('self-hosted mode: HUBSPOT_RATE_POLICY is stored with the installation, and a Starter private app stays under its 100 per 10 s', async () => {
    const found = hubspotConnectorModule.fromEnvironment!({
      HUBSPOT_ACCESS_TOKEN: sandbox.token,
      HUBSPOT_BASE_URL: sandbox.url,
      HUBSPOT_PORTAL_ID: `${prefix}-private`,
      HUBSPOT_RATE_POLICY: 'privateStarter',
    })!;
    const [installation] = await ensureInstallations(runtime.store, runtime.box, `Company ${prefix}`, 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: found.externalAccountId, displayName: found.displayName, credentials: found.credentials, ratePolicy: found.ratePolicy! },
    ]);
    sandbox.resetStats();
    // 105 calls at once: the 100th and later wait for the window instead of being refused
    const { statuses, seconds } = await burst(installation!, sandbox.token, 105);
    expect(sandbox.stats().rateLimited).toEqual({ total: 0, byPolicy: {} });
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(seconds).toBeGreaterThan(9);
    expect(installation!.ratePolicy).toBe('privateStarter');
    expect((await runtime.store.installations.get(installation!.workspaceId, installation!.id))!.ratePolicy).toBe('privateStarter');
  }, 60_000);

  it('an OAuth install is the public app: 110 per 10 s per installing account', async () => {
    const token = sandbox.oauth.install(9100101);
    const [installation] = await ensureInstallations(runtime.store, runtime.box, `Company ${prefix}`, 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: `${prefix}-${token.hub_id}`, displayName: 'Public app', credentials: { accessToken: token.access_token, basePath: sandbox.url }, ratePolicy: 'publicApp' },
    ]);
    sandbox.resetStats();
    const { statuses } = await burst(installation!, token.access_token, 110);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(sandbox.stats().rateLimited.total).toBe(0);
    // the next one waits a window: the public app's budget is 110, not more
    const context = contexts.get(installation!.id)!;
    const next = context.beforeRequest('standard');
    const early = await Promise.race([next.then(() => 'granted'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_000))]);
    expect(early).toBe('waiting');
    await (await next)();
  }, 60_000);

  it('an installation with no rate policy is refused, never paced by a guess: its job fails for good, with no request made', async () => {
    const [installation] = await ensureInstallations(runtime.store, runtime.box, `Company ${prefix}`, 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: `${prefix}-none`, displayName: 'No policy', credentials: { accessToken: sandbox.token, basePath: sandbox.url } },
    ]);
    expect(installation!.ratePolicy).toBeNull();
    sandbox.resetStats();
    const outcome = await runJob('sync', { workspaceId: installation!.workspaceId, installationId: installation!.id, stream: 'contacts', then: [] }, runtime.deps, runtime.limiter);
    expect(outcome).toMatchObject({ kind: 'failed', final: true, error: { retryable: false } });
    expect((outcome as { error: { message: string } }).error.message).toMatch(/has no rate policy.*one of publicApp, privateStarter, privatePro, privateEnterprise, privateWithAddOn/);
    expect(sandbox.stats().requests.total).toBe(0);
  });

  it('self-hosted mode requires the tier: no HUBSPOT_RATE_POLICY, or the public app\'s, is refused naming the choices', () => {
    const env = { HUBSPOT_ACCESS_TOKEN: 'pat-na1-x' };
    expect(() => hubspotConnectorModule.fromEnvironment!(env)).toThrow(
      'HUBSPOT_RATE_POLICY: required with HUBSPOT_ACCESS_TOKEN; the private app\'s limits follow the account\'s tier: privateStarter, privatePro, privateEnterprise, privateWithAddOn',
    );
    expect(() => hubspotConnectorModule.fromEnvironment!({ ...env, HUBSPOT_RATE_POLICY: 'publicApp' })).toThrow(/got "publicApp"/);
    expect(hubspotConnectorModule.fromEnvironment!({ ...env, HUBSPOT_RATE_POLICY: 'privatePro' })!.ratePolicy).toBe('privatePro');
  });

  it('re-registering with another tier updates the stored policy; an unknown name is refused before anything is stored', async () => {
    const system = { provider: 'hubspot', externalAccountId: `${prefix}-upgrade`, displayName: 'Upgraded', credentials: { accessToken: sandbox.token, basePath: sandbox.url } };
    const [before] = await ensureInstallations(runtime.store, runtime.box, `Company ${prefix}`, 'config/rulebook.default.yaml', [{ ...system, ratePolicy: 'privateStarter' }]);
    const [after] = await ensureInstallations(runtime.store, runtime.box, `Company ${prefix}`, 'config/rulebook.default.yaml', [{ ...system, ratePolicy: 'privatePro' }]);
    expect(after!.id).toBe(before!.id);
    expect(after!.ratePolicy).toBe('privatePro');
    await expect(
      ensureInstallations(runtime.store, runtime.box, `Company ${prefix}`, 'config/rulebook.default.yaml', [{ ...system, externalAccountId: `${prefix}-typo`, ratePolicy: 'privateProfessional' }]),
    ).rejects.toThrow('HubSpot has no rate policy "privateProfessional" (one of publicApp, privateStarter, privatePro, privateEnterprise, privateWithAddOn)');
    expect(await runtime.store.installations.findByExternalAccount('hubspot', `${prefix}-typo`)).toBeNull();
  });
});
