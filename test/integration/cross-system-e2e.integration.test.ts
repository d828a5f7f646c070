import './support/native-pglite';
import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { describeSeed as describeHubSpotSeed, SeedPortal, startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';
import {
  describeSeed, integrationUserCredentials, OrgStore, seedOrg, sharedFromHubSpot, standardObjects, startSalesforceSandbox, type SalesforceSandbox, type SharedRecord,
} from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import { startFirstSync } from '../../src/app/first-sync';
import type { Runtime } from '../../src/app/runtime';
import type { DrainResult } from '../../src/queue/in-process-queue.driver';
import type { Installation } from '../../src/store';
import { FAST_POLICY, WIDE_SANDBOX_LIMITS, sandboxAligned } from './support/sync-harness';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

/**
 * One company on both systems: a HubSpot portal (marketing) and a Salesforce org (sales) that share
 * some people under the same email, connected as two installations of one workspace. Each shared
 * human is one person, with the same stage written to both systems and engagement from both counting.
 * The jobs run in process through runJob (the in-process queue driver).
 */
const HUBSPOT_CONTACTS = 300;
const LEADS = 200;
const SF_CONTACTS = 200;
const SHARED = 40;
const RUN = `${process.pid}-${Date.now()}`;

describe('Salesforce sandbox seeded with people of a HubSpot portal', () => {
  const portal = new SeedPortal({ contacts: HUBSPOT_CONTACTS });
  const people = sharedFromHubSpot(portal, { count: SHARED });
  const options = { leads: LEADS, contacts: SF_CONTACTS, shared: { people } };
  const seeded = (opts: Parameters<typeof seedOrg>[1]) => {
    const store = new OrgStore(standardObjects());
    seedOrg(store, opts);
    return store;
  };
  const rows = (store: OrgStore, name: string) => JSON.stringify([...store.rows(name, { includeDeleted: true })]);

  it('picks every 5th HubSpot contact that is not a showcase one', () => {
    const showcase = new Set(Object.values(describeHubSpotSeed({ contacts: HUBSPOT_CONTACTS }).kinds).flat());
    const expected = Array.from({ length: HUBSPOT_CONTACTS / 5 }, (_, k) => portal.contact(k * 5)).filter((c) => !showcase.has(c.id)).slice(0, SHARED);
    expect(people.map((p) => p.email)).toEqual(expected.map((c) => c.properties.email));
    expect(people[1]).toMatchObject({ firstName: expected[1]!.properties.firstname, lastName: expected[1]!.properties.lastname, title: expected[1]!.properties.jobtitle });
  });

  it('makes live leads and contacts those people, deterministically, and leaves the showcase records as they were', () => {
    const plain = seeded({ leads: LEADS, contacts: SF_CONTACTS });
    const a = seeded(options);
    const b = seeded(options);
    for (const name of ['Lead', 'Contact', 'CampaignMember', 'Task']) expect(rows(a, name)).toBe(rows(b, name));
    const description = describeSeed(options);
    expect(description.kinds).toEqual(describeSeed({ leads: LEADS, contacts: SF_CONTACTS }).kinds);
    for (const record of description.records) {
      for (const id of [record.id, record.leadId, record.contactId, record.masterRecordId].filter((x): x is string => x !== undefined)) {
        expect(a.find(id)!.row).toEqual(plain.find(id)!.row);
      }
    }
    expect(description.shared.map((r) => r.email)).toEqual(people.map((p) => p.email));
    people.forEach((person, i) => {
      const row = a.find(description.shared[i]!.id)!.row;
      expect(row).toMatchObject({ Email: person.email, FirstName: person.firstName, LastName: person.lastName, IsDeleted: false });
      if (person.title) expect(row.Title).toBe(person.title);
      if (description.shared[i]!.sobject === 'Lead') {
        expect(row.IsConverted).toBe(false);
        if (person.company) expect(row.Company).toBe(person.company);
      } else expect(typeof row.AccountId).toBe('string');
    });
  });

  it('refuses people it cannot seed, naming the bad value', () => {
    expect(() => describeSeed({ ...options, shared: { people: [...people, people[0]!] } })).toThrow(/shared\.people\[40\]\.email repeats shared\.people\[0\]/);
    expect(() => describeSeed({ ...options, shared: { people: [{ ...people[0]!, country: 'XX' }] } })).toThrow(/shared\.people\[0\]\.country/);
    expect(() => describeSeed({ leads: 10, contacts: 0, shared: { people } })).toThrow(/do not fit/);
  });
});

describe(`HubSpot and Salesforce end to end, one workspace (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let portal: HubSpotSandbox;
  let org: SalesforceSandbox;
  let runtime: Runtime;
  let drained: DrainResult;
  let hubspot: Installation;
  let salesforce: Installation;
  let client: Client;
  let conn: Connection;
  let shared: SharedRecord[];
  /** HubSpot contact id by email, for the shared people. */
  const contactIdByEmail = new Map<string, string>();

  beforeAll(async () => {
    portal = await startHubSpotSandbox({ port: 0, contacts: HUBSPOT_CONTACTS, rateLimit: WIDE_SANDBOX_LIMITS, warm: true });
    const start = portal.clock.now();
    const people = sharedFromHubSpot(portal.store.seed, { count: SHARED });
    org = await startSalesforceSandbox({ port: 0, leads: LEADS, contacts: SF_CONTACTS, now: start, shared: { people } });
    shared = org.describeSeed().shared;
    for (const record of portal.store.collection('contacts').scan()) contactIdByEmail.set(record.properties.email!, record.id);

    runtime = await openTestRuntime(uniqueRun('cross-e2e'), { clock: sandboxAligned(start), queueDriver: 'in-process', ratePolicies: { hubspot: FAST_POLICY } });
    [hubspot, salesforce] = (await ensureInstallations(runtime.store, runtime.box, 'Cross-system company', 'config/rulebook.default.yaml', [
      { provider: 'hubspot', externalAccountId: `cross-${RUN}`, displayName: 'Marketing portal', credentials: { accessToken: portal.token, basePath: portal.url } },
      {
        provider: 'salesforce',
        externalAccountId: `${org.orgId}-${RUN}`,
        displayName: 'Sales org',
        credentials: integrationUserCredentials(org),
      },
    ])) as [Installation, Installation];
    await Promise.all([startFirstSync(runtime, hubspot), startFirstSync(runtime, salesforce)]);
    drained = await runtime.inProcess!.runUntilIdle();
    client = new Client({ accessToken: portal.token, basePath: portal.url });
    conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.issueTokens().accessToken, version: org.apiVersion });
  }, 120_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await portal?.close();
    await org?.close();
  });

  const personOf = async (record: SharedRecord) => {
    const byHubSpot = await runtime.store.people.findByIdentity(hubspot.id, 'contact', contactIdByEmail.get(record.email)!);
    const bySalesforce = await runtime.store.people.findByIdentity(salesforce.id, record.sobject === 'Lead' ? 'lead' : 'contact', record.id);
    return { byHubSpot, bySalesforce };
  };

  it('shares the intended people: each is a HubSpot contact and a live Salesforce lead or contact with the same email', async () => {
    expect(shared).toHaveLength(SHARED);
    expect(new Set(shared.map((r) => r.sobject))).toEqual(new Set(['Lead', 'Contact']));
    for (const record of shared) {
      expect(contactIdByEmail.has(record.email)).toBe(true);
      const row = (await conn.query<{ Email: string }>(`SELECT Email FROM ${record.sobject} WHERE Id = '${record.id}'`)).records[0];
      expect(row?.Email).toBe(record.email);
    }
  });

  it('makes each shared human one person linked to both installations', async () => {
    expect(drained.failed).toEqual([]);
    expect(await runtime.store.outbox.outboxBacklog(hubspot.id)).toMatchObject({ pending: 0 });
    expect(await runtime.store.outbox.outboxBacklog(salesforce.id)).toMatchObject({ pending: 0 });
    const problems: string[] = [];
    for (const record of shared) {
      const { byHubSpot, bySalesforce } = await personOf(record);
      if (!byHubSpot || byHubSpot !== bySalesforce) {
        problems.push(`${record.email}: HubSpot person ${byHubSpot}, Salesforce person ${bySalesforce}`);
        continue;
      }
      const identities = await runtime.store.people.listIdentities(hubspot.workspaceId, byHubSpot);
      const installations = new Set(identities.map((i) => i.installationId));
      if (!installations.has(hubspot.id) || !installations.has(salesforce.id)) problems.push(`${record.email}: identities ${JSON.stringify(identities)}`);
    }
    expect(problems).toEqual([]);
  });

  it('writes the same stage to both systems for every shared human', async () => {
    const problems: string[] = [];
    for (const record of shared) {
      const contact = await client.crm.contacts.basicApi.getById(contactIdByEmail.get(record.email)!, ['leadstage_stage']);
      const row = (await conn.query<{ Leadstage_Stage__c: string | null }>(`SELECT Leadstage_Stage__c FROM ${record.sobject} WHERE Id = '${record.id}'`)).records[0]!;
      if (!contact.properties.leadstage_stage || contact.properties.leadstage_stage !== row.Leadstage_Stage__c) {
        problems.push(`${record.email}: HubSpot ${contact.properties.leadstage_stage}, Salesforce ${row.Leadstage_Stage__c}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('counts engagement from both systems for a shared person', async () => {
    let both = 0;
    for (const record of shared) {
      const { byHubSpot } = await personOf(record);
      const scoring = await runtime.store.state.loadPersonForScoring(hubspot.workspaceId, byHubSpot!);
      const sources = new Set(scoring!.events.map((e) => e.source));
      if (sources.has('hubspot') && sources.has('salesforce')) both++;
    }
    expect(both).toBeGreaterThan(0);
  });
});
