/**
 * The HubSpot connector's engagement streams against the sandbox: forms, marketing email events,
 * page views (with webinar attendance), meetings and calls, each mapped to the canonical event
 * types for describeSeed()'s hand-picked people; stable ids; incremental passes that add up to the
 * whole history.
 */
import { createHubSpotConnector } from '../../connectors/hubspot';
import { FORM_IDS, startHubSpotSandbox, type HubSpotSandbox, type SeedDescription } from '../../sandboxes/hubspot';
import { EventSchema } from '../../src/model/event';
import type { CrmConnector, PulledEvent, StreamCursor } from '../../src/connector/crm-connector';

const DAY = 86_400_000;

async function pullAll(connector: CrmConnector, stream: string, now: number, from: StreamCursor | null = null) {
  const events: PulledEvent[] = [];
  let cursor = from;
  let last: StreamCursor | null = from;
  for (let pages = 0; pages < 500; pages++) {
    const page = await connector.pull(stream, cursor, { now });
    events.push(...page.events);
    if (page.next === null) return { events, cursor: last, pages };
    last = page.next;
    cursor = page.next;
  }
  throw new Error(`${stream} did not catch up in 500 pages`);
}

describe('HubSpot connector: engagement streams', () => {
  let sandbox: HubSpotSandbox;
  let connector: CrmConnector;
  let seed: SeedDescription;
  let now: number;
  const emailOf = new Map<string, string>();
  const byPerson = new Map<string, PulledEvent['event'][]>();
  const streams: Record<string, PulledEvent[]> = {};

  const idOf = (who: PulledEvent['who']) => ('email' in who ? emailOf.get(who.email) ?? `unknown:${who.email}` : who.crmId);
  const eventsOf = (contactId: string) => byPerson.get(contactId) ?? [];

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 300, clock: 'frozen', rateLimit: { searchMax: 10_000, maxPerWindow: 100_000 } });
    connector = createHubSpotConnector({ accessToken: sandbox.token, basePath: sandbox.url });
    seed = sandbox.describeSeed();
    now = sandbox.clock.now();
    let cursor: StreamCursor | null = null;
    do {
      const page = await connector.pull('contacts', cursor, { now });
      for (const p of page.people) emailOf.set(p.person.email!, p.crmId);
      cursor = page.next;
    } while (cursor && cursor.phase === 'full');
    for (const stream of connector.streams.filter((s) => s !== 'contacts')) {
      streams[stream] = (await pullAll(connector, stream, now)).events;
      for (const { who, event } of streams[stream]!) {
        const id = idOf(who);
        byPerson.set(id, [...(byPerson.get(id) ?? []), event]);
      }
    }
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('streams in the contract order, people first', () => {
    expect(connector.streams).toEqual(['contacts', 'form_submissions', 'email_events', 'page_views', 'meetings', 'calls', 'emails']);
  });

  it('produces canonical events with ids unique per stream, all attributable to pulled people', () => {
    for (const [stream, events] of Object.entries(streams)) {
      expect(events.length).toBeGreaterThan(0);
      const ids = events.map((e) => e.event.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { who, event } of events) {
        expect(EventSchema.safeParse(event).success).toBe(true);
        expect(event.source).toBe('hubspot');
        expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(now);
        expect(idOf(who)).not.toMatch(/^unknown:/);
      }
      expect(stream).toBeTruthy();
    }
  });

  it('the demo requester has a demo_request from the Demo Request form', () => {
    for (const id of seed.kinds.demoRequester) {
      const demo = eventsOf(id).filter((e) => e.type === 'demo_request');
      expect(demo.length).toBeGreaterThanOrEqual(1);
      expect(demo[0]!.properties).toMatchObject({ formId: FORM_IDS.demoRequest, formName: 'Demo Request' });
      expect(demo[0]!.id).toMatch(new RegExp(`^form:${FORM_IDS.demoRequest}:\\d+:.+@`));
      expect(now - Date.parse(demo[0]!.occurredAt)).toBeLessThanOrEqual(5 * DAY);
    }
  });

  it('webinar attendees registered through the form and attended through the live room', () => {
    const all = seed.kinds.webinarAttendee.flatMap(eventsOf);
    const registered = all.filter((e) => e.type === 'webinar_registered');
    const attended = all.filter((e) => e.type === 'webinar_attended');
    expect(registered.length).toBeGreaterThanOrEqual(seed.kinds.webinarAttendee.length);
    expect(attended.length).toBeGreaterThanOrEqual(1);
    for (const e of attended) {
      expect(e.properties.url).toMatch(/\/webinars\/[a-z0-9-]+\/live$/);
      expect(registered.map((r) => r.properties.webinarId)).toContain(e.properties.webinarId);
    }
    // three reloads of the live room in one session are one attendance
    expect(new Set(attended.map((e) => e.properties.webinarId)).size).toBe(attended.length);
    expect(all.some((e) => e.type === 'page_view' && /\/live$/.test(e.properties.url ?? ''))).toBe(false);
  });

  it('the pricing visitor viewed /pricing and downloaded gated content with a funnel stage', () => {
    const events = seed.kinds.pricingVisitorHighEngagement.flatMap(eventsOf);
    expect(events.some((e) => e.type === 'page_view' && e.properties.url?.endsWith('/pricing'))).toBe(true);
    const downloads = events.filter((e) => e.type === 'content_download');
    expect(downloads.length).toBeGreaterThanOrEqual(2);
    for (const d of downloads) {
      expect(d.properties.assetTitle).toBeTruthy();
      expect(d.properties.assetTitle).not.toMatch(/^Content Download/);
      expect(['awareness', 'consideration', 'decision']).toContain(d.properties.contentStage);
    }
    expect(events.some((e) => e.type === 'email_click' && e.properties.url?.startsWith('https://'))).toBe(true);
    expect(events.some((e) => e.type === 'demo_request' || e.type === 'trial_signup')).toBe(false);
  });

  it('the blog reader has only blog page views', () => {
    for (const id of seed.kinds.blogReaderOnly) {
      const events = eventsOf(id);
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        expect(e.type).toBe('page_view');
        expect(e.properties.url).toMatch(/\/blog\//);
      }
    }
  });

  it('email outcomes: unsubscribe, hard bounce, spam complaint, opens', () => {
    const unsubscribed = seed.kinds.unsubscribed.flatMap(eventsOf);
    expect(unsubscribed.some((e) => e.type === 'unsubscribe')).toBe(true);
    expect(unsubscribed.some((e) => e.type === 'email_open')).toBe(true);
    const bounced = seed.kinds.hardBounced.flatMap(eventsOf);
    expect(bounced.some((e) => e.type === 'hard_bounce')).toBe(true);
    expect(streams.email_events!.some((e) => e.event.type === 'spam_complaint')).toBe(true);
  });

  it('meetings and calls become meeting_booked and sales_call on the associated contact', () => {
    const deal = seed.kinds.openDeal.flatMap(eventsOf);
    const meetings = deal.filter((e) => e.type === 'meeting_booked');
    expect(meetings.length).toBeGreaterThanOrEqual(2);
    expect(meetings[0]!.properties).toHaveProperty('startTime');
    expect(deal.some((e) => e.type === 'sales_call')).toBe(true);
    expect(streams.calls!.every((e) => e.event.type === 'sales_call' && 'crmId' in e.who)).toBe(true);
  });

  it('the contact-sales form carries contact_me; other forms map by name', () => {
    const types = new Set(streams.form_submissions!.map((e) => e.event.type));
    for (const t of ['demo_request', 'content_download', 'webinar_registered', 'form_submit']) expect(types).toContain(t);
    const contactSales = streams.form_submissions!.filter((e) => e.event.properties.formId === FORM_IDS.contactSales);
    for (const e of contactSales) expect(e.event).toMatchObject({ type: 'contact_sales', properties: { contact_me: true } });
  });

  it.each(['form_submissions', 'email_events', 'page_views', 'meetings', 'calls', 'emails'])(
    '%s: two incremental passes add up to one full pass, with the same ids',
    async (stream) => {
      const cut = now - 30 * DAY;
      const first = await pullAll(connector, stream, cut);
      const second = await pullAll(connector, stream, now, first.cursor);
      const ids = [...first.events, ...second.events].map((e) => e.event.id);
      expect(new Set(ids)).toEqual(new Set(streams[stream]!.map((e) => e.event.id)));
      expect(second.events.every((e) => Date.parse(e.event.occurredAt) >= cut || stream === 'meetings' || stream === 'calls')).toBe(true);
    },
  );
});
