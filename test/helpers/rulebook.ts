import { stringify } from 'yaml';
import { compileRulebook, type Engine } from '../../src/engine/engine';
import type { EngagementEvent, EventType } from '../../src/model/event';
import type { Person } from '../../src/model/person';
import { parseRulebook } from '../../src/rulebook/load';

export const NOW = Date.parse('2026-11-27T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small valid rulebook for focused tests; each test overrides the part it is about. */
export function baseRulebook(): Record<string, any> {
  return {
    version: 'test-1',
    name: 'test',
    lists: { served: ['US'], personal: ['gmail.com'], targets: ['manufacturing'], personas: ['engineer'] },
    exclusions: [],
    fit: {
      rules: [{ id: 'us', when: { field: 'country', in_list: 'served' }, points: 50, reason: 'in {country}' }],
      grades: [
        { grade: 'A', min: 50 },
        { grade: 'D', min: 0 },
      ],
    },
    engagement: {
      rules: [{ id: 'any_page', match: { types: ['page_view'] }, points: 10, reason: 'viewed a page' }],
      signals: [],
    },
    decay: { horizon: '90d', default: 'none', groups: {} },
    score: { fit_weight: 0.5, engagement_weight: 0.5 },
    stages: {
      lead: { when: { field: 'email', present: true } },
      mql: { tiers: [{ id: 'tier1', label: 'fits', when: { field: 'fit.grade', in: ['A'] } }] },
      sql: { engagement_threshold: 30 },
      recycle: [],
    },
    priority: [{ priority: 'hot', when: { field: 'score', gte: 60 } }, { priority: 'cold' }],
    handoff: { required_fields: [] },
    sla: {
      first_touch: '30m',
      deadline: '1d',
      escalation: { after: '1d', to: 'manager' },
      cadence: [{ after: '30m', channel: 'call', subject: 'First call' }],
      on_expiry: { stage: 'nurture', reason: 'cadence ended' },
    },
  };
}

export function engineFrom(rulebook: Record<string, any>): Engine {
  return compileRulebook(parseRulebook(stringify(rulebook), 'test.yaml'));
}

export function person(overrides: Partial<Person> = {}): Person {
  return { id: 'p1', email: 'pat@acme.com', firstName: 'Pat', lastName: 'Doe', country: 'US', ...overrides };
}

let counter = 0;
/** An event `daysAgo` before NOW (fractions allowed). */
export function event(type: EventType, daysAgo: number, properties: EngagementEvent['properties'] = {}, id?: string): EngagementEvent {
  counter++;
  return { id: id ?? `e${counter}`, type, occurredAt: new Date(NOW - daysAgo * DAY).toISOString(), source: 'test', properties };
}

export { DAY, HOUR };
