/**
 * Association reads as a real portal answers them: v4 `toObjectId` typed a string by the spec (and
 * seen as a number), and 207 multi-status entries in the spec's StandardError shape, where "no
 * associations" is one failure among others, told apart by its subCategory. A failed input is not
 * "no deals": read as such, a customer's won deal would vanish from the person without a word.
 */
import { createHubSpotConnector } from '../../connectors/hubspot';
import { HubSpotApiError } from '../../connectors/hubspot/hubspot-api-error';
import { startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';

describe('HubSpot connector: association reads', () => {
  const sandboxes: HubSpotSandbox[] = [];
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.close()));
  });
  async function portal(associationIdType: 'string' | 'number') {
    const sandbox = await startHubSpotSandbox({ port: 0, contacts: 300, clock: 'frozen', rateLimit: { maxPerWindow: 100_000 }, associationIdType });
    sandboxes.push(sandbox);
    return { sandbox, connector: createHubSpotConnector({ accessToken: sandbox.token, basePath: sandbox.url }), seed: sandbox.describeSeed() };
  }

  it.each(['string', 'number'] as const)('reads toObjectId typed as a %s alike', async (type) => {
    const { connector, seed } = await portal(type);
    const customer = seed.kinds.customerClosedWon[0]!;
    const raw = await fetch(`${sandboxes.at(-1)!.url}/crm/v4/associations/contacts/deals/batch/read`, {
      method: 'POST', headers: { authorization: `Bearer ${sandboxes.at(-1)!.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ id: customer }] }),
    });
    const body = (await raw.json()) as { results: { to: { toObjectId: unknown }[] }[] };
    expect(typeof body.results[0]!.to[0]!.toObjectId).toBe(type);
    const [person] = await connector.pullRecords!('contact', [customer], { now: Date.now() });
    expect(person!.person.deals!.won).toBeGreaterThanOrEqual(1);
  });

  it('answers 207 entries in the StandardError shape; "no associations" is told by its subCategory', async () => {
    const { sandbox, seed } = await portal('string');
    const nobody = seed.kinds.blogReaderOnly[0]!;
    const response = await fetch(`${sandbox.url}/crm/v4/associations/contacts/deals/batch/read`, {
      method: 'POST', headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ id: nobody }] }),
    });
    expect(response.status).toBe(207);
    const body = (await response.json()) as { numErrors: number; errors: Record<string, unknown>[] };
    expect(body.numErrors).toBe(1);
    expect(body.errors[0]).toEqual({
      status: 'error', category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      message: expect.any(String), context: { fromObjectId: [nobody], fromObjectType: ['contact'], toObjectType: ['deal'] }, errors: [], links: {},
    });
  });

  it('does not read a failed association read as "no deals": the read fails, to be retried', async () => {
    const { sandbox, connector, seed } = await portal('string');
    const customer = seed.kinds.customerClosedWon[0]!;
    const other = seed.kinds.openDeal[0]!;
    sandbox.faults.set({ associationFailIds: [customer] });
    const failure = await connector.pullRecords!('contact', [customer, other], { now: Date.now() }).then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(HubSpotApiError);
    expect(failure).toMatchObject({ status: 207, retryable: true, category: 'INTERNAL_ERROR' });
    expect((failure as Error).message).toContain(customer);
    sandbox.faults.reset();
    const people = await connector.pullRecords!('contact', [customer, other], { now: Date.now() });
    expect(people.find((p) => p.crmId === customer)!.person.deals!.won).toBeGreaterThanOrEqual(1);
    expect(people.find((p) => p.crmId === other)!.person.deals!.open).toBeGreaterThanOrEqual(1);
  });
});
