/**
 * The sandbox's contacts search on `lastmodifieddate` reads a sorted index kept up to date by every
 * write, create, delete and merge, as HubSpot's search index does, instead of filtering and sorting the
 * whole portal per request. Its answers are the full scan's, exactly: the same search sent as two
 * identical OR'd filter groups takes the scan path, and must agree.
 */
import { Client } from '@hubspot/api-client';
import { startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';

type Filter = { propertyName: string; operator: string; value?: string; highValue?: string };
interface Search {
  filters: Filter[];
  sorts?: string[];
  limit?: number;
  after?: string;
}

const MINUTE = 60_000;

describe('HubSpot sandbox: search indexed by lastmodifieddate', () => {
  let sandbox: HubSpotSandbox;
  let client: Client;

  const post = async (body: unknown): Promise<{ total: number; results: { id: string; properties: Record<string, string> }[]; paging?: unknown }> => {
    const response = await fetch(`${sandbox.url}/crm/v3/objects/contacts/search`, {
      method: 'POST', headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as never;
  };
  const request = (search: Search, groups: number) => ({
    filterGroups: Array.from({ length: groups }, () => ({ filters: search.filters })),
    sorts: search.sorts ?? [],
    properties: ['lastmodifieddate', 'lifecyclestage'],
    limit: search.limit ?? 200,
    after: search.after ?? '0',
  });
  /** The index's answer and the scan's (two identical OR'd groups), which must be equal. */
  async function both(search: Search) {
    const indexed = await post(request(search, 1));
    const scanned = await post(request(search, 2));
    return { indexed, scanned };
  }

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 3_000, clock: 'frozen', rateLimit: { maxPerWindow: 100_000, searchMax: 100_000 } });
    client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('answers as the full scan does, through writes, creates, deletes, merges and a clock set back', async () => {
    const start = sandbox.clock.now();
    // the index is built by the first search, then kept up to date
    await both({ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(start - 30 * 86_400_000) }] });
    for (let round = 0; round < 3; round++) {
      sandbox.clock.advance(MINUTE);
      const ids = Array.from({ length: 100 }, (_, i) => String(100_001 + ((i * 7 + round * 13) % 3_000)));
      await client.crm.contacts.batchApi.update({ inputs: [...new Set(ids)].map((id) => ({ id, properties: { jobtitle: `Title ${round}` } })) });
    }
    sandbox.clock.advance(MINUTE);
    sandbox.changeContacts({
      create: [{ properties: { email: 'index-new-1@example.com' } }, { properties: { email: 'index-new-2@example.com' } }],
      update: [{ id: '100020', properties: { jobtitle: 'Edited in the UI' } }],
      delete: ['100030'],
      merge: [{ primaryId: '100040', mergedId: '100041' }],
    });
    // a clock set back: a write lands in the middle of the index, and one goes back to a time it had
    sandbox.clock.set(start + 90_000);
    await client.crm.contacts.basicApi.update('100050', { properties: { jobtitle: 'Back in time' } });
    await client.crm.contacts.basicApi.update('100051', { properties: { jobtitle: 'Back in time' } });
    sandbox.clock.set(start + 3 * MINUTE + 30_000);
    await client.crm.contacts.basicApi.update('100050', { properties: { jobtitle: 'Forward again' } });
    sandbox.clock.set(start + 90_000);
    await client.crm.contacts.basicApi.update('100050', { properties: { jobtitle: 'Back again' } });

    const t = (ms: number) => String(start + ms);
    const iso = (ms: number) => new Date(start + ms).toISOString();
    const searches: Search[] = [
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: t(0) }, { propertyName: 'lastmodifieddate', operator: 'LT', value: t(10 * MINUTE) }], sorts: ['lastmodifieddate'] },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: t(MINUTE) }, { propertyName: 'lastmodifieddate', operator: 'LTE', value: t(3 * MINUTE) }], sorts: ['lastmodifieddate'], limit: 7, after: '50' },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: iso(2 * MINUTE) }], sorts: ['lastmodifieddate'] },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'BETWEEN', value: iso(-400 * 86_400_000), highValue: iso(-100 * 86_400_000) }], sorts: ['lastmodifieddate'], after: '190' },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: t(-200 * 86_400_000) }], sorts: ['-lastmodifieddate'], limit: 50 },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: t(-200 * 86_400_000) }], limit: 50, after: '100' },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: t(-200 * 86_400_000) }, { propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }], sorts: ['lastmodifieddate'] },
      { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: t(0) }, { propertyName: 'lastmodifieddate', operator: 'GTE', value: t(MINUTE) }, { propertyName: 'lastmodifieddate', operator: 'GT', value: t(MINUTE) }], sorts: ['lastmodifieddate'] },
    ];
    for (const search of searches) {
      const { indexed, scanned } = await both(search);
      expect({ search, total: indexed.total, ids: indexed.results.map((r) => r.id), paging: indexed.paging })
        .toEqual({ search, total: scanned.total, ids: scanned.results.map((r) => r.id), paging: scanned.paging });
    }
    const at = async (ms: number) => (await post(request({ filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: t(ms) }], sorts: ['lastmodifieddate'] }, 1))).results.map((r) => r.id);
    // written back in time, twice for one of them: each once
    expect(await at(90_000)).toEqual(['100050', '100051']);
    // the UI's changes: an edit, two creates, a merge's survivor; the deleted and the merged-away are gone
    expect(await at(4 * MINUTE)).toEqual(['100020', '100040', '103001', '103002']);
  });

  it('reads only the page it serves: a window of a 20,000-contact portal costs its 200 records, not 20,000', async () => {
    const big = await startHubSpotSandbox({ port: 0, contacts: 20_000, clock: 'frozen', rateLimit: { searchMax: 100_000 } });
    try {
      const now = big.clock.now();
      const body = {
        filterGroups: [{ filters: [
          { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(now - 60 * 86_400_000) },
          { propertyName: 'lastmodifieddate', operator: 'LT', value: String(now) },
        ] }],
        sorts: ['lastmodifieddate'], properties: ['email'], limit: 200, after: '400',
      };
      const post = (to: HubSpotSandbox) => fetch(`${to.url}/crm/v3/objects/contacts/search`, {
        method: 'POST', headers: { authorization: `Bearer ${to.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      await (await post(big)).json(); // builds the index
      big.resetStats();
      const answer = (await (await post(big)).json()) as { total: number; results: unknown[] };
      expect(answer.results).toHaveLength(200);
      expect(answer.total).toBeGreaterThan(600);
      expect(big.stats().search).toEqual({ requests: 1, recordsRead: 200 });
    } finally {
      await big.close();
    }
  });
});
