/**
 * The runtime wiring of the Salesforce connector (src/app/connector-factory.ts): an installation's
 * sealed Salesforce credentials become a connector whose requests go through the shared limiter, and
 * whose refreshed tokens (rotation) are re-sealed into the installation's credentials in the store,
 * so the next process (a second factory) starts from the new pair.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { integrationUserCredentials, startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce';
import { createConnectorFactory } from '../../src/app/connector-factory';
import { SalesforceCredentialsSchema, type SalesforceCredentials } from '../../connectors/salesforce/connector-module';
import { connectorRegistry } from '../../connectors/registry';
import { openCredentials, sealCredentials } from '../../src/app/credentials';
import { createLogger } from '../../src/log/logger';
import { createMetrics } from '../../src/metrics/metrics';
import { DEFAULT_SALESFORCE_POLICY } from '../../connectors/salesforce/rate-policies.constant';
import { createRedisRateLimiter } from '../../src/rate-limit';
import { SecretBox, type Installation } from '../../src/store';
import { openTestStore, seedWorkspace, type TestStore } from './support/store-harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('connector factory: Salesforce installations', () => {
  let sandbox: SalesforceSandbox;
  let test: TestStore;
  let redis: Redis;
  let installation: Installation;
  const box = new SecretBox(SecretBox.generateKey());
  const prefix = `leadstage-test-sf-factory-${randomUUID()}`;
  const logger = createLogger({ level: 'error' });

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ port: 0, leads: 20, contacts: 10, clock: 'frozen', withLeadstageFields: true });
    test = await openTestStore();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    installation = (await seedWorkspace(test.store, 'Acme', ['salesforce'])).installations[0]!;
    const credentials: SalesforceCredentials = integrationUserCredentials(sandbox);
    await test.store.installations.setCredentials(installation.workspaceId, installation.id, sealCredentials(box, installation.id, credentials));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await test.cleanup();
    await sandbox.close();
  });

  function factory() {
    return createConnectorFactory({
      store: test.store, box, metrics: createMetrics(), logger, redis, prefix,
      limiter: createRedisRateLimiter(redis, { prefix }), registry: connectorRegistry, ratePolicyFor: () => DEFAULT_SALESFORCE_POLICY,
    });
  }

  it('builds a Salesforce connector that counts its calls in the shared limiter and re-seals rotated tokens', async () => {
    const connector = await factory()(installation);
    expect(connector.provider).toBe('salesforce');
    const leadId = sandbox.describeSeed().kinds.mqlPersona[0]!;
    sandbox.expireTokens();
    const [outcome] = await connector.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Priority__c: 'warm' }, current: {} }]);
    expect(outcome).toEqual({ crmId: leadId, status: 'ok' });
    expect(sandbox.stats().oauth.refreshGrants).toBe(1);

    const stored = await openCredentials(test.store, box, installation, SalesforceCredentialsSchema);
    expect(stored.refreshToken).not.toBe(sandbox.refreshToken);
    expect(stored.accessToken).not.toBe(sandbox.accessToken);
    expect(stored).toMatchObject({ clientId: sandbox.clientId, instanceUrl: sandbox.instanceUrl, apiVersion: sandbox.apiVersion });

    const status = await createRedisRateLimiter(redis, { prefix }).status(installation.id, DEFAULT_SALESFORCE_POLICY);
    expect(status.usedToday).toBeGreaterThanOrEqual(2); // /limits and the update (the retried one after the refresh is jsforce's)

    // another process starts from the stored (rotated) pair: no refresh, no invalid_grant
    const next = await factory()(installation);
    await next.write([{ crmId: leadId, objectType: 'lead', properties: { Leadstage_Priority__c: 'hot' }, current: {} }]);
    expect(sandbox.stats().oauth.refreshGrants).toBe(1);
    expect(sandbox.store.find(leadId)!.row.Leadstage_Priority__c).toBe('hot');
  });

  it('names the credential fields that do not fit, never their values', async () => {
    const broken = (await seedWorkspace(test.store, 'Broken', ['salesforce'])).installations[0]!;
    await test.store.installations.setCredentials(broken.workspaceId, broken.id, sealCredentials(box, broken.id, { accessToken: 'SECRET-ACCESS' }));
    const error = (await factory()(broken).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      `installation ${broken.id} (salesforce Broken salesforce) has credentials that do not fit (refreshToken: invalid_type; instanceUrl: invalid_type; clientId: invalid_type); reconnect it`,
    );
    expect(error.message).not.toContain('SECRET-ACCESS');
  });
});
