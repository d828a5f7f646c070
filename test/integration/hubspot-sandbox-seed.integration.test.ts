/**
 * The seeded portal: determinism, the hand-picked archetypes of describeSeed(), and the bulk
 * engagement endpoints (email events, forms and submissions, page views, meetings and calls,
 * deals, companies, owners) read through the SDK and client.apiRequest.
 */
import { Client } from '@hubspot/api-client';
import {
  COMPETITOR_DOMAINS, FORM_IDS, PERSONAL_EMAIL_DOMAINS, SeedPortal, TARGET_INDUSTRIES, NON_TARGET_INDUSTRIES,
  startHubSpotSandbox, describeSeed, type HubSpotSandbox,
} from '../../sandboxes/hubspot';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = 86_400_000;

interface EmailEventsPage {
  hasMore: boolean;
  offset: string;
  events: { id: string; created: number; type: string; recipient: string; emailCampaignId: number; category?: string }[];
}
interface SubmissionsPage {
  results: { conversionId: string; submittedAt: number; values: { name: string; value: string }[]; pageUrl: string }[];
  paging?: { next: { after: string } };
}

describe('HubSpot sandbox: seeded portal and engagement', () => {
  let sandbox: HubSpotSandbox;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ contacts: 600, clock: 'frozen', rateLimit: { searchMax: 10_000 } });
    client = new Client({ accessToken: sandbox.token, basePath: sandbox.url });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const get = async <T>(path: string, qs: Record<string, string> = {}): Promise<T> => {
    const response = await client.apiRequest({ method: 'GET', path, qs });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const contact = async (id: string, properties: string[]) => (await client.crm.contacts.basicApi.getById(id, properties)).properties;
  const companyOf = async (id: string) => {
    const assoc = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id }] });
    const companyId = assoc.results[0]?.to[0]?.toObjectId;
    if (companyId === undefined) return undefined;
    const read = await client.crm.companies.batchApi.read({
      inputs: [{ id: String(companyId) }], properties: ['name', 'domain', 'numberofemployees', 'annualrevenue', 'industry', 'country'], propertiesWithHistory: [],
    });
    return read.results[0]!.properties;
  };
  const submissionsOf = async (formId: string): Promise<SubmissionsPage['results']> => {
    const all: SubmissionsPage['results'] = [];
    let after: string | undefined;
    do {
      const page = await get<SubmissionsPage>(`/form-integrations/v1/submissions/forms/${formId}`, { limit: '50', ...(after ? { after } : {}) });
      all.push(...page.results);
      after = page.paging?.next.after;
    } while (after);
    return all;
  };
  const pageViewsOf = async (id: string, since: number) => {
    const page = await client.events.eventsApi.getPage('contact', 'e_visited_page', undefined, undefined, 1000, undefined,
      new Date(since), new Date(NOW + 1), Number(id));
    return page.results.map((e) => ({ url: e.properties?.hs_url ?? '', at: e.occurredAt.getTime() }));
  };

  it('is deterministic: the same seed gives the same portal, another seed a different one', async () => {
    const other = await startHubSpotSandbox({ contacts: 600, clock: 'frozen' });
    const reseeded = await startHubSpotSandbox({ contacts: 600, clock: 'frozen', seed: 7 });
    try {
      const read = async (s: HubSpotSandbox) => {
        const c = new Client({ accessToken: s.token, basePath: s.url });
        const page = await c.crm.contacts.basicApi.getPage(100, '100200', ['email', 'jobtitle', 'company', 'phone', 'lifecyclestage', 'hs_lead_status', 'hubspot_owner_id']);
        const events = await (await c.apiRequest({ method: 'GET', path: '/email/public/v1/events', qs: { limit: '200' } })).json();
        return JSON.stringify({ page: page.results, events });
      };
      expect(await read(other)).toBe(await read(sandbox));
      expect(await read(reseeded)).not.toBe(await read(sandbox));
    } finally {
      await other.close();
      await reseeded.close();
    }
    const a = new SeedPortal({ contacts: 2000 });
    const b = new SeedPortal({ contacts: 2000 });
    for (let i = 0; i < 2000; i += 37) expect(b.contact(i)).toEqual(a.contact(i));
    const emails = new Set(Array.from({ length: 2000 }, (_, i) => a.contact(i).properties.email));
    expect(emails.size).toBe(2000);
  });

  // how fast it seeds is measured by bench:sync, not asserted here (tests never assert wall-clock time)
  it('seeds and serves a 20,000-contact portal', async () => {
    const big = await startHubSpotSandbox({ contacts: 20_000, warm: true });
    try {
      const last = await new Client({ accessToken: big.token, basePath: big.url }).crm.contacts.basicApi.getById('120000', ['email']);
      expect(last.properties.email).toContain('@');
    } finally {
      await big.close();
    }
  });

  it('describeSeed lists hand-picked contacts whose data matches their kind', async () => {
    const seed = describeSeed({ contacts: 600 });
    expect(seed).toEqual(sandbox.describeSeed());
    expect(seed.competitorDomains).toEqual(COMPETITOR_DOMAINS);
    expect(seed.formIds).toEqual(FORM_IDS);
    for (const ids of Object.values(seed.kinds)) expect(ids).toHaveLength(2);
    const k = seed.kinds;
    const props = ['email', 'jobtitle', 'country', 'ip_country', 'lifecyclestage', 'phone', 'company'];

    for (const id of k.personalEmail) {
      expect(PERSONAL_EMAIL_DOMAINS).toContain((await contact(id, props)).email!.split('@')[1]);
    }
    for (const id of k.student) expect((await contact(id, props)).email).toMatch(/\.edu$/);
    for (const id of k.competitor) expect(COMPETITOR_DOMAINS).toContain((await contact(id, props)).email!.split('@')[1]);
    for (const id of k.nonUs) {
      const p = await contact(id, props);
      expect(p.country).not.toBe('United States');
      expect(p.ip_country).not.toBe('united states');
    }
    for (const id of k.smallCompany) expect(Number((await companyOf(id))!.numberofemployees)).toBeLessThan(100);
    for (const id of k.nonTargetIndustry) {
      const company = (await companyOf(id))!;
      expect(NON_TARGET_INDUSTRIES).toContain(company.industry);
      expect(Number(company.numberofemployees)).toBeGreaterThanOrEqual(100);
    }

    const demoSubmitters = new Set((await submissionsOf(FORM_IDS.demoRequest)).map((s) => s.values.find((v) => v.name === 'email')!.value));
    for (const id of k.demoRequester) {
      const p = await contact(id, props);
      expect(p.country).toBe('United States');
      expect(p.phone).toMatch(/^\+1 /);
      expect(demoSubmitters.has(p.email!)).toBe(true);
      const company = (await companyOf(id))!;
      expect(TARGET_INDUSTRIES).toContain(company.industry);
      expect(Number(company.numberofemployees)).toBeGreaterThanOrEqual(100);
      expect(company.country).toBe('United States');
    }

    for (const id of k.blogReaderOnly) {
      const views = await pageViewsOf(id, NOW - 130 * DAY);
      expect(views.length).toBeGreaterThanOrEqual(8);
      expect(views.every((v) => v.url.includes('/blog/'))).toBe(true);
      expect((await contact(id, ['num_conversion_events'])).num_conversion_events).toBe('0');
    }
    for (const id of k.pricingVisitorHighEngagement) {
      const recent = await pageViewsOf(id, NOW - 7 * DAY);
      expect(recent.filter((v) => v.url.endsWith('/pricing')).length).toBeGreaterThanOrEqual(3);
    }
    for (const id of k.webinarAttendee) {
      const p = await contact(id, ['recent_conversion_event_name', 'first_conversion_event_name']);
      expect(p.first_conversion_event_name).toMatch(/^Webinar Registration/);
    }

    const deals = await client.crm.associations.v4.batchApi.getPage('contacts', 'deals', { inputs: [...k.customerClosedWon, ...k.openDeal].map((id) => ({ id })) });
    expect(deals.results).toHaveLength(4);
    const dealIds = deals.results.map((r) => ({ contact: r._from.id, deal: String(r.to[0]!.toObjectId) }));
    const dealRead = await client.crm.deals.batchApi.read({ inputs: dealIds.map((d) => ({ id: d.deal })), properties: ['dealstage', 'hs_is_closed_won', 'hs_is_closed', 'amount'], propertiesWithHistory: [] });
    for (const { contact: contactId, deal } of dealIds) {
      const p = dealRead.results.find((r) => r.id === deal)!.properties;
      const won = k.customerClosedWon.includes(contactId);
      expect(p.hs_is_closed_won).toBe(String(won));
      expect(p.hs_is_closed).toBe(String(won));
      expect((await contact(contactId, ['lifecyclestage'])).lifecyclestage).toBe(won ? 'customer' : 'opportunity');
    }
  });

  it('serves marketing email events by time window with hasMore/offset paging', async () => {
    const startTimestamp = String(NOW - 60 * DAY);
    const endTimestamp = String(NOW);
    const events: EmailEventsPage['events'] = [];
    let offset: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await get<EmailEventsPage>('/email/public/v1/events', { startTimestamp, endTimestamp, limit: '100', ...(offset ? { offset } : {}) });
      events.push(...page.events);
      pages++;
      if (!page.hasMore) break;
      offset = page.offset;
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e.created >= NOW - 60 * DAY && e.created <= NOW)).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['OPEN', 'CLICK', 'STATUSCHANGE', 'BOUNCE', 'SPAMREPORT'].filter((t) => events.some((e) => e.type === t))));
    expect(events.some((e) => e.type === 'OPEN')).toBe(true);
    expect(events.some((e) => e.type === 'CLICK')).toBe(true);

    const { kinds } = sandbox.describeSeed();
    const bounced = await contact(kinds.hardBounced[0]!, ['email']);
    const bounces = await get<EmailEventsPage>('/email/public/v1/events', { eventType: 'BOUNCE' });
    expect(bounces.events.map((e) => e.recipient)).toContain(bounced.email);
    expect(bounces.events.every((e) => e.type === 'BOUNCE' && e.category === 'UNKNOWN_USER')).toBe(true);
    const unsubscribed = await contact(kinds.unsubscribed[0]!, ['email', 'hs_email_optout']);
    expect(unsubscribed.hs_email_optout).toBe('true');
    const changes = await get<EmailEventsPage>('/email/public/v1/events', { eventType: 'STATUSCHANGE', recipient: unsubscribed.email! });
    expect(changes.events).toHaveLength(1);
  });

  it('lists forms and pages their submissions newest first, with email and pageUrl', async () => {
    const forms = await client.marketing.forms.formsApi.getPage(undefined, 50);
    const names = forms.results.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['Demo Request', 'Free Trial Sign-up', 'Request a Quote', 'Book a Free Reliability Consultation']));
    expect(names.filter((n) => n.startsWith('Content Download:'))).toHaveLength(4);
    expect(forms.results.find((f) => f.name === 'Demo Request')!.id).toBe(FORM_IDS.demoRequest);

    const downloads = await submissionsOf(FORM_IDS.ebookReactiveMaintenance);
    expect(downloads.length).toBeGreaterThan(50);
    const times = downloads.map((s) => s.submittedAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(downloads.every((s) => s.pageUrl === 'https://www.uptimeforge.com/resources/ebook-7-signs-reactive-maintenance')).toBe(true);
    expect(downloads.every((s) => s.values.some((v) => v.name === 'email' && v.value.includes('@')))).toBe(true);
    expect(new Set(downloads.map((s) => s.conversionId)).size).toBe(downloads.length);

    const tooMany = await client.apiRequest({ method: 'GET', path: `/form-integrations/v1/submissions/forms/${FORM_IDS.demoRequest}`, qs: { limit: '51' } });
    expect(tooMany.status).toBe(400);
    const unknown = await client.apiRequest({ method: 'GET', path: '/form-integrations/v1/submissions/forms/nope' });
    expect(unknown.status).toBe(404);
  });

  it('pages page-view events for all contacts in a time window', async () => {
    const after = new Date(NOW - 14 * DAY);
    const before = new Date(NOW);
    const seen: { id: string; at: number; url: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.events.eventsApi.getPage('contact', 'e_visited_page', cursor, undefined, 500, undefined, after, before);
      seen.push(...page.results.map((e) => ({ id: e.id, at: e.occurredAt.getTime(), url: e.properties?.hs_url ?? '' })));
      cursor = page.paging?.next?.after;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(500);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.every((e) => e.at > after.getTime() && e.at < before.getTime())).toBe(true);
    const urls = seen.map((e) => e.url);
    for (const part of ['/blog/', '/pricing', '/products/']) expect(urls.some((u) => u.includes(part))).toBe(true);
  });

  it('finds meetings and calls by hs_lastmodifieddate and links them to contacts', async () => {
    const since = String(NOW - 30 * DAY);
    for (const type of ['meetings', 'calls'] as const) {
      const api = client.crm.objects[type].searchApi;
      const found = await api.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: since }] }],
        sorts: ['hs_lastmodifieddate'], properties: ['hs_timestamp', 'hubspot_owner_id'], limit: 100,
      } as never);
      expect(found.total).toBeGreaterThan(0);
      const assoc = await client.crm.associations.v4.batchApi.getPage(type, 'contacts', { inputs: found.results.map((r) => ({ id: r.id })) });
      expect(assoc.results).toHaveLength(found.results.length);
      expect(assoc.results.every((r) => r.to[0]!.associationTypes[0]!.typeId === (type === 'meetings' ? 200 : 194))).toBe(true);
    }
  });

  it('lists deals with contact associations, companies, and owners with paging', async () => {
    const deals = await client.crm.deals.basicApi.getPage(100, undefined, ['dealstage', 'amount', 'pipeline', 'closedate', 'hs_is_closed_won'], undefined, ['contacts']);
    expect(deals.results.length).toBeGreaterThan(0);
    expect(deals.results.every((d) => d.associations?.contacts?.results[0]?.type === 'deal_to_contact')).toBe(true);
    expect(deals.results.some((d) => d.properties.dealstage === 'closedwon')).toBe(true);
    expect(deals.results.some((d) => d.properties.hs_is_closed_won === 'false')).toBe(true);
    const changed = await client.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'LT', value: String(NOW) }] }], limit: 1,
    } as never);
    expect(changed.total).toBe(deals.results.length);

    const companies = await client.crm.companies.basicApi.getPage(100, undefined, ['name', 'domain', 'numberofemployees', 'annualrevenue', 'industry', 'country']);
    const countries = new Set(companies.results.map((c) => c.properties.country));
    expect(countries.has('United States')).toBe(true);
    expect(countries.size).toBeGreaterThan(2);
    expect(companies.results.some((c) => Number(c.properties.numberofemployees) < 100)).toBe(true);

    const first = await client.crm.owners.ownersApi.getPage(undefined, undefined, 5);
    expect(first.results).toHaveLength(5);
    const rest = await client.crm.owners.ownersApi.getPage(undefined, first.paging!.next!.after, 5);
    expect(rest.results).toHaveLength(3);
    expect(rest.paging).toBeUndefined();
    expect(first.results[0]!.email).toMatch(/@uptimeforge\.com$/);
  });
});
