/**
 * The HubSpot sandbox driven through the real @hubspot/api-client (basePath → loopback): contact
 * paging, search filters and limits, batch limits and multi-status, forward-only lifecyclestage,
 * properties and groups, tasks and their associations, auth.
 */
import { Client } from '@hubspot/api-client';
import { startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';

type ApiError = { code: number; body: Record<string, unknown> };

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('HubSpot sandbox: CRM objects through the SDK', () => {
  let sandbox: HubSpotSandbox;
  let client: Client;

  beforeEach(async () => {
    // Searches here outpace 5/s on purpose; the limit itself is tested in the limits suite.
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 300, clock: 'frozen', token: 'test-token', rateLimit: { searchMax: 10_000 } });
    client = new Client({ accessToken: 'test-token', basePath: sandbox.url });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('pages through all contacts with after, requested properties and company associations', async () => {
    const seen = new Set<string>();
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.contacts.basicApi.getPage(100, after, ['email', 'jobtitle', 'lifecyclestage'], undefined, ['companies']);
      for (const contact of page.results) {
        seen.add(contact.id);
        expect(contact.properties).toHaveProperty('email');
        expect(contact.properties).toHaveProperty('jobtitle');
        expect(contact.properties.hs_object_id).toBe(contact.id);
      }
      after = page.paging?.next?.after;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen.size).toBe(300);

    const first = await client.crm.contacts.basicApi.getPage(10, undefined, undefined, undefined, ['companies']);
    expect(Object.keys(first.results[0]!.properties).sort()).toEqual(
      ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    );
    const withCompany = first.results.find((c) => c.associations?.companies);
    expect(withCompany?.associations?.companies?.results[0]?.type).toBe('contact_to_company');
  });

  it('rejects a list page above 100', async () => {
    const error = await failure(client.crm.contacts.basicApi.getPage(101));
    expect(error.code).toBe(400);
    expect(error.body.category).toBe('VALIDATION_ERROR');
  });

  it('searches with every operator, one sort and offset paging', async () => {
    const search = (filters: object[], extra: object = {}) =>
      client.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters }], properties: ['email', 'lifecyclestage', 'country', 'phone', 'hs_analytics_num_page_views'], limit: 200, ...extra } as never);
    const all = await search([]);
    expect(all.total).toBe(300);

    const leads = await search([{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'LEAD' }]);
    expect(leads.total).toBeGreaterThan(0);
    expect(leads.results.every((c) => c.properties.lifecyclestage === 'lead')).toBe(true);

    const notLeads = await search([{ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'lead' }]);
    expect(notLeads.total + leads.total).toBe(300);

    const inStages = await search([{ propertyName: 'lifecyclestage', operator: 'IN', values: ['customer', 'opportunity'] }]);
    const notInStages = await search([{ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['customer', 'opportunity'] }]);
    expect(inStages.total + notInStages.total).toBe(300);

    const withPhone = await search([{ propertyName: 'phone', operator: 'HAS_PROPERTY' }]);
    const withoutPhone = await search([{ propertyName: 'phone', operator: 'NOT_HAS_PROPERTY' }]);
    expect(withPhone.total + withoutPhone.total).toBe(300);
    expect(withoutPhone.results.every((c) => c.properties.phone === null)).toBe(true);

    const views = (c: { properties: Record<string, string | null> }) => Number(c.properties.hs_analytics_num_page_views);
    const many = await search([{ propertyName: 'hs_analytics_num_page_views', operator: 'GTE', value: '10' }]);
    expect(many.results.every((c) => views(c) >= 10)).toBe(true);
    const few = await search([{ propertyName: 'hs_analytics_num_page_views', operator: 'LT', value: '10' }]);
    // Every seeded contact has a page-view count (0 included), so the two halves cover everyone.
    expect(many.total + few.total).toBe(300);
    const between = await search([{ propertyName: 'hs_analytics_num_page_views', operator: 'BETWEEN', value: '3', highValue: '5' }]);
    expect(between.results.every((c) => views(c) >= 3 && views(c) <= 5)).toBe(true);
    const gt = await search([{ propertyName: 'hs_analytics_num_page_views', operator: 'GT', value: '5' }]);
    const lte = await search([{ propertyName: 'hs_analytics_num_page_views', operator: 'LTE', value: '5' }]);
    expect(gt.total + lte.total).toBe(300);

    // Groups are OR'd.
    const either = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] },
        { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'opportunity' }] },
      ],
      limit: 10,
    } as never);
    expect(either.total).toBe(inStages.total);

    // Dates compare as time (epoch ms or ISO); one sort is honoured.
    const cut = Date.parse('2026-11-01T00:00:00Z');
    const recent = await search([{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(cut) }], { sorts: ['lastmodifieddate'] });
    const stamps = recent.results.map((c) => Date.parse(c.updatedAt.toISOString()));
    expect(stamps.every((t) => t >= cut)).toBe(true);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    const iso = await search([{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '2026-11-01T00:00:00Z' }]);
    expect(iso.total).toBe(recent.total);
    const desc = await search([], { sorts: [{ propertyName: 'createdate', direction: 'DESCENDING' }], limit: 5 });
    const created = desc.results.map((c) => c.createdAt.getTime());
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    // Paging: after is an offset; the last page has no paging.
    const page1 = await search([], { limit: 120 });
    expect(page1.paging?.next?.after).toBe('120');
    const page3 = await search([], { limit: 120, after: '240' });
    expect(page3.results).toHaveLength(60);
    expect(page3.paging).toBeUndefined();
  });

  it('enforces the search limits: 10,000 results, 200 per page, 5 groups, 10 per group, 25 filters', async () => {
    const filter = { propertyName: 'email', operator: 'HAS_PROPERTY' };
    const cases: [object, RegExp][] = [
      [{ limit: 100, after: '9950' }, /10000/],
      [{ limit: 201 }, /limit/],
      [{ filterGroups: Array.from({ length: 6 }, () => ({ filters: [filter] })) }, /filter groups/],
      [{ filterGroups: [{ filters: Array.from({ length: 11 }, () => filter) }] }, /per group/],
      [{ filterGroups: Array.from({ length: 5 }, () => ({ filters: Array.from({ length: 6 }, () => filter) })) }, /in total/],
      [{ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'LIKE', value: 'x' }] }] }, /operator/],
    ];
    for (const [body, message] of cases) {
      const error = await failure(client.crm.contacts.searchApi.doSearch(body as never));
      expect(error.code).toBe(400);
      expect(error.body.category).toBe('VALIDATION_ERROR');
      expect(String(error.body.message)).toMatch(message);
      expect(error.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Exactly at the cap is still fine.
    const atCap = await client.crm.contacts.searchApi.doSearch({ limit: 100, after: '9900' } as never);
    expect(atCap.results).toEqual([]);
  });

  it('caps batch requests at 100 inputs', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(100001 + i), properties: { jobtitle: 'x' } }));
    const update = await failure(client.crm.contacts.batchApi.update({ inputs }));
    expect(update.code).toBe(400);
    const read = await failure(client.crm.contacts.batchApi.read({ inputs: inputs.map(({ id }) => ({ id })), properties: [], propertiesWithHistory: [] }));
    expect(read.code).toBe(400);
    const tasks = await failure(client.crm.objects.tasks.batchApi.create({
      inputs: Array.from({ length: 101 }, () => ({ properties: { hs_timestamp: '2026-11-28T00:00:00Z' }, associations: [] })),
    }));
    expect(tasks.code).toBe(400);
    expect(sandbox.store.tasks.count()).toBe(0);
  });

  it('answers 207 with per-record errors and still applies the rest of the batch', async () => {
    sandbox.clock.set(Date.parse('2026-11-28T08:00:00Z'));
    const result = await client.crm.contacts.batchApi.update({
      inputs: [
        { id: '100002', properties: { jobtitle: 'Plant Director' } },
        { id: '999999999', properties: { jobtitle: 'Nobody' } },
        { id: '100003', properties: { no_such_property: 'x' } },
        { id: '100004', properties: { hs_lead_status: 'NOT_A_STATUS' } },
      ],
    });
    expect(result.status).toBe('COMPLETE');
    expect(result.results.map((r) => r.id)).toEqual(['100002']);
    const withErrors = result as typeof result & { numErrors: number; errors: { category: string; message: string; context: { ids: string[] } }[] };
    expect(withErrors.numErrors).toBe(3);
    const byCategory = Object.fromEntries(withErrors.errors.map((e) => [e.context.ids[0], e]));
    expect(byCategory['999999999']?.category).toBe('OBJECT_NOT_FOUND');
    expect(byCategory['100003']?.category).toBe('VALIDATION_ERROR');
    expect(byCategory['100003']?.message).toMatch(/no_such_property/);
    expect(byCategory['100004']?.message).toMatch(/NOT_A_STATUS was not one of the allowed options/);

    const read = await client.crm.contacts.batchApi.read({
      inputs: [{ id: '100002' }, { id: '100003' }, { id: '123' }], properties: ['jobtitle'], propertiesWithHistory: [],
    });
    const updated = read.results.find((r) => r.id === '100002')!;
    expect(updated.properties.jobtitle).toBe('Plant Director');
    expect(updated.properties.lastmodifieddate).toBe('2026-11-28T08:00:00.000Z');
    expect(updated.updatedAt.toISOString()).toBe('2026-11-28T08:00:00.000Z');
    expect((read as unknown as { errors: { context: { ids: string[] } }[] }).errors[0]!.context.ids).toEqual(['123']);
    expect(sandbox.stats().writes.contactsUpdated).toBe(1);
  });

  it('moves lifecyclestage forward only; clearing first and setting in a later request goes back', async () => {
    const id = sandbox.describeSeed().kinds.customerClosedWon[0]!;
    const stage = async () =>
      (await client.crm.contacts.basicApi.getById(id, ['lifecyclestage'])).properties.lifecyclestage;
    expect(await stage()).toBe('customer');

    // Backwards directly: 2xx, nothing changes.
    const back = await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { lifecyclestage: 'lead' } }] });
    expect(back.results[0]!.properties.lifecyclestage).toBe('customer');
    expect(await stage()).toBe('customer');

    // Clear and set in the same batch is judged against the state before the request: still no.
    const dup = await failure(client.crm.contacts.batchApi.update({
      inputs: [{ id, properties: { lifecyclestage: '' } }, { id, properties: { lifecyclestage: 'lead' } }],
    }));
    expect(dup.code).toBe(400);

    await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { lifecyclestage: '' } }] });
    expect(await stage()).toBeNull();
    await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { lifecyclestage: 'lead' } }] });
    expect(await stage()).toBe('lead');

    // Forward is always fine, and records the date entered.
    await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { lifecyclestage: 'salesqualifiedlead' } }] });
    const after = await client.crm.contacts.basicApi.getById(id, ['lifecyclestage', 'hs_v2_date_entered_salesqualifiedlead']);
    expect(after.properties.lifecyclestage).toBe('salesqualifiedlead');
    expect(after.properties.hs_v2_date_entered_salesqualifiedlead).toBe(new Date(sandbox.clock.now()).toISOString());
    expect(sandbox.stats().writes.contactUpdatesIgnored).toBe(1);
  });

  it('serves lifecyclestage and hs_lead_status options, creates properties and groups, 409 on duplicates', async () => {
    const lifecycle = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    expect(lifecycle.options.map((o) => o.value)).toEqual([
      'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
    ]);
    const status = await client.crm.properties.coreApi.getByName('contacts', 'hs_lead_status');
    expect(status.options.map((o) => o.value)).toContain('ATTEMPTED_TO_CONTACT');

    const group = await client.crm.properties.groupsApi.create('contacts', { name: 'leadstage', label: 'Leadstage' });
    expect(group.name).toBe('leadstage');
    const dupGroup = await failure(client.crm.properties.groupsApi.create('contacts', { name: 'leadstage', label: 'Again' }));
    expect(dupGroup.code).toBe(409);
    expect((await client.crm.properties.groupsApi.getByName('contacts', 'leadstage')).label).toBe('Leadstage');

    const definition = { name: 'leadstage_score', label: 'Leadstage score', type: 'number', fieldType: 'number', groupName: 'leadstage' };
    const created = await client.crm.properties.coreApi.create('contacts', definition as never);
    expect(created.name).toBe('leadstage_score');
    const conflict = await failure(client.crm.properties.coreApi.create('contacts', definition as never));
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
    expect(String(conflict.body.message)).toMatch(/leadstage_score/);
    expect(conflict.body.correlationId).toBeDefined();

    const invalid = await failure(client.crm.properties.coreApi.create('contacts', {
      name: 'Bad Name', label: '', type: 'text', fieldType: 'number', groupName: 'nope',
    } as never));
    expect(invalid.code).toBe(400);
    const fields = (invalid.body.errors as { context: { propertyName: string[] } }[]).map((e) => e.context.propertyName[0]);
    expect(fields).toEqual(expect.arrayContaining(['name', 'label', 'type', 'groupName']));
    const noOptions = await failure(client.crm.properties.coreApi.create('contacts', {
      name: 'leadstage_priority', label: 'Priority', type: 'enumeration', fieldType: 'select', groupName: 'leadstage',
    } as never));
    expect(noOptions.code).toBe(400);

    // The new property is writable and searchable right away.
    await client.crm.contacts.batchApi.update({ inputs: [{ id: '100010', properties: { leadstage_score: '87' } }] });
    const high = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'leadstage_score', operator: 'GT', value: '50' }] }], properties: ['leadstage_score'],
    } as never);
    expect(high.results.map((r) => [r.id, r.properties.leadstage_score])).toEqual([['100010', '87']]);
    const notNumber = await client.crm.contacts.batchApi.update({ inputs: [{ id: '100010', properties: { leadstage_score: 'high' } }] });
    expect((notNumber as unknown as { numErrors: number }).numErrors).toBe(1);
    expect(sandbox.stats().writes.propertiesCreated).toBe(1);
  });

  it('associates a task to a contact only with type 204', async () => {
    const [good, wrong] = ['100005', '100006'];
    const created = await client.crm.objects.tasks.batchApi.create({
      inputs: [
        {
          properties: { hs_timestamp: '2026-11-27T12:30:00Z', hs_task_subject: 'Call back: requested a demo', hs_task_body: 'Why: requested a demo',
            hubspot_owner_id: '51002', hs_task_status: 'NOT_STARTED', hs_task_priority: 'HIGH', hs_task_type: 'CALL' },
          associations: [{ to: { id: good }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
        },
        {
          properties: { hs_timestamp: String(Date.parse('2026-11-28T12:00:00Z')), hs_task_subject: 'Wrong association type' },
          associations: [{ to: { id: wrong }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 2 }] }],
        },
      ] as never,
    });
    expect(created.status).toBe('COMPLETE');
    expect(created.results).toHaveLength(2);
    const [goodTask, wrongTask] = created.results;
    expect(goodTask!.properties.hs_task_priority).toBe('HIGH');
    expect(wrongTask!.properties.hs_timestamp).toBe('2026-11-28T12:00:00.000Z');

    const goodAssoc = await client.crm.associations.v4.basicApi.getPage('contacts', good, 'tasks');
    expect(goodAssoc.results.map((r) => String(r.toObjectId))).toEqual([goodTask!.id]);
    expect(goodAssoc.results[0]!.associationTypes[0]!.typeId).toBe(203);
    const wrongAssoc = await client.crm.associations.v4.basicApi.getPage('contacts', wrong, 'tasks');
    expect(wrongAssoc.results).toEqual([]);

    const batch = await client.crm.associations.v4.batchApi.getPage('tasks', 'contacts', { inputs: [{ id: goodTask!.id }, { id: wrongTask!.id }] });
    expect(batch.results.map((r) => r._from.id)).toEqual([goodTask!.id]);
    expect((batch as unknown as { errors: { subCategory: string }[] }).errors[0]!.subCategory).toBe('crm.associations.NO_ASSOCIATIONS_FOUND');

    // Tasks read back through list and search.
    const listed = await client.crm.objects.tasks.basicApi.getPage(10, undefined, ['hs_task_subject']);
    expect(listed.results.map((t) => t.properties.hs_task_subject)).toEqual(['Call back: requested a demo', 'Wrong association type']);
    const found = await client.crm.objects.tasks.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_task_priority', operator: 'EQ', value: 'HIGH' }] }], properties: ['hs_task_subject'],
    } as never);
    expect(found.results.map((t) => t.id)).toEqual([goodTask!.id]);

    const missingTimestamp = await failure(client.crm.objects.tasks.batchApi.create({ inputs: [{ properties: { hs_task_subject: 'x' }, associations: [] }] }));
    expect(missingTimestamp.code).toBe(400);
    expect(String(missingTimestamp.body.message)).toMatch(/hs_timestamp/);
    const badEnum = await failure(client.crm.objects.tasks.batchApi.create({ inputs: [{ properties: { hs_timestamp: '1', hs_task_priority: 'URGENT' }, associations: [] }] }));
    expect(badEnum.code).toBe(400);
    expect(sandbox.stats().writes).toMatchObject({ tasksCreated: 2, taskAssociationsCreated: 1 });
  });

  it('reads contact↔company and contact↔deal associations in v4 batches of up to 1,000', async () => {
    const { kinds } = sandbox.describeSeed();
    const customer = kinds.customerClosedWon[0]!;
    const personal = kinds.personalEmail[0]!;
    const companies = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: customer }, { id: personal }] });
    const types = companies.results[0]!.to[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b);
    expect(types).toEqual([1, 279]);
    // Personal-email sign-ups are not matched to a company by domain.
    expect((companies as unknown as { errors: { context: { fromObjectId: string[] } }[] }).errors[0]!.context.fromObjectId).toEqual([personal]);

    const deals = await client.crm.associations.v4.batchApi.getPage('contacts', 'deals', { inputs: [{ id: customer }] });
    const dealId = String(deals.results[0]!.to[0]!.toObjectId);
    const back = await client.crm.associations.v4.batchApi.getPage('deals', 'contacts', { inputs: [{ id: dealId }] });
    expect(String(back.results[0]!.to[0]!.toObjectId)).toBe(customer);

    const tooMany = await failure(client.crm.associations.v4.batchApi.getPage('contacts', 'companies', {
      inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(100001 + i) })),
    }));
    expect(tooMany.code).toBe(400);
    const thousand = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', {
      inputs: Array.from({ length: 1000 }, (_, i) => ({ id: String(100001 + (i % 300)) })),
    });
    expect(thousand.status).toBe('COMPLETE');
  });

  it('answers a wrong or missing token with HubSpot 401 body', async () => {
    const stranger = new Client({ accessToken: 'wrong-token', basePath: sandbox.url });
    const error = await failure(stranger.crm.contacts.basicApi.getPage(1));
    expect(error.code).toBe(401);
    expect(error.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(error.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const bare = await fetch(`${sandbox.url}/crm/v3/objects/contacts`);
    expect(bare.status).toBe(401);
    expect(sandbox.stats().requests.byStatus['401']).toBe(2);
  });
});
