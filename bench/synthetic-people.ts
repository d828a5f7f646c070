import type { EngagementEvent, EventType } from '../src/model/event';
import type { Person } from '../src/model/person';

/** mulberry32: a tiny seeded PRNG, so every run benchmarks exactly the same people. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS = ['acme-industrial.com', 'northfield.com', 'deltaplant.com', 'gmail.com', 'yahoo.com', 'state.edu', 'gearwatch-analytics.com', 'shopmart.com'];
const TITLES = ['VP Operations', 'Reliability Engineer', 'Maintenance Manager', 'Plant Director', 'Marketing Intern', 'Student', 'Self-employed consultant', 'Account Executive'];
const INDUSTRIES = ['Manufacturing', 'Energy', 'Utilities', 'Chemicals', 'Retail', 'Education', 'Hospitality'];
const COUNTRIES = ['US', 'US', 'US', 'US', 'DE', 'GB', 'IN'];
const URLS = [
  'https://www.example.com/pricing',
  'https://www.example.com/products/sensors',
  'https://www.example.com/blog/vibration-101',
  'https://www.example.com/blog/maintenance-kpis',
  'https://www.example.com/careers',
  'https://www.example.com/contact',
  'https://www.example.com/',
];
const EVENT_MIX: EventType[] = [
  'page_view', 'page_view', 'page_view', 'page_view', 'page_view', 'page_view',
  'site_visit', 'site_visit', 'email_open', 'email_open', 'email_click', 'content_download', 'content_download',
  'form_submit', 'webinar_registered', 'webinar_attended', 'demo_request', 'unsubscribe', 'meeting_booked',
];
const STAGES = ['awareness', 'consideration', 'decision'] as const;

export interface SyntheticRecord {
  person: Person;
  events: EngagementEvent[];
}

/** `count` people with `eventsEach` events spread over the 120 days before `now`. */
export function syntheticPeople(count: number, eventsEach: number, now: number, seed = 42): SyntheticRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const records: SyntheticRecord[] = [];
  for (let i = 0; i < count; i++) {
    const person: Person = {
      id: `p${i}`,
      email: `person${i}@${pick(DOMAINS)}`,
      firstName: 'Pat',
      lastName: `Doe${i}`,
      title: pick(TITLES),
      company: `Company ${i % 997}`,
      employees: Math.floor(random() * 3000) + 5,
      annualRevenue: Math.floor(random() * 5e8),
      industry: pick(INDUSTRIES),
      country: pick(COUNTRIES),
      ipCountry: 'US',
      phone: random() < 0.8 ? '+1 555 0100' : null,
      leadStatus: random() < 0.9 ? 'NEW' : 'BAD_TIMING',
      deals: { open: random() < 0.03 ? 1 : 0, won: random() < 0.02 ? 1 : 0 },
    };
    const events: EngagementEvent[] = [];
    for (let e = 0; e < eventsEach; e++) {
      const type = pick(EVENT_MIX);
      const properties: EngagementEvent['properties'] = {};
      if (type === 'page_view') properties.url = pick(URLS);
      if (type === 'content_download') properties.contentStage = pick(STAGES);
      events.push({ id: `p${i}-e${e}`, type, occurredAt: new Date(now - Math.floor(random() * 120 * 86_400_000)).toISOString(), source: 'bench', properties });
    }
    // the store hands the engine a person's events in time order (ORDER BY occurred_at), so the
    // benchmark does too; the engine's own sort is covered by tests
    events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    records.push({ person, events });
  }
  return records;
}
