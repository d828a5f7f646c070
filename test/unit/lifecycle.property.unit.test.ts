import fc from 'fast-check';
import { join } from 'node:path';
import { compileRulebook } from '../../src/engine/engine';
import type { Decision } from '../../src/model/decision';
import { EVENT_TYPES, type EngagementEvent } from '../../src/model/event';
import type { Person } from '../../src/model/person';
import { funnelRank, isDetour, type FunnelStage } from '../../src/model/stage';
import { loadRulebookFile } from '../../src/rulebook/load';
import { DAY, NOW } from '../helpers/rulebook';

const engine = compileRulebook(loadRulebookFile(join(__dirname, '..', '..', 'config', 'rulebook.default.yaml')));

// The facts that move people around the default rulebook; each step of a sequence picks new ones.
const personFacts = fc.record({
  email: fc.constantFrom('pat@acme-industrial.com', 'pat@gmail.com', 'pat@gearwatch-analytics.com', null),
  title: fc.constantFrom('VP Operations', 'Reliability Engineer', 'Marketing intern', null),
  employees: fc.constantFrom(20, 150, 5000, null),
  industry: fc.constantFrom('Manufacturing', 'Retail', null),
  country: fc.constantFrom('US', 'DE', null),
  phone: fc.constantFrom('+1 555 0100', null),
  leadStatus: fc.constantFrom('NEW', 'CONNECTED', 'BAD_TIMING', 'UNQUALIFIED', null),
  bantYes: fc.integer({ min: 0, max: 4 }),
  dealsOpen: fc.constantFrom(0, 0, 0, 1),
  dealsWon: fc.constantFrom(0, 0, 0, 0, 1),
});

const newEvents = fc.array(
  fc.record({
    type: fc.constantFrom(...EVENT_TYPES),
    hoursBefore: fc.integer({ min: 0, max: 24 * 120 }),
    url: fc.constantFrom('https://x.test/pricing', 'https://x.test/blog/a', 'https://x.test/products/a', 'https://x.test/careers'),
  }),
  { maxLength: 8 },
);

const step = fc.record({ facts: personFacts, events: newEvents, daysLater: fc.integer({ min: 0, max: 45 }) });

type Facts = typeof personFacts extends fc.Arbitrary<infer T> ? T : never;

function toPerson(facts: Facts): Person {
  const yes = facts.bantYes;
  return {
    id: 'p',
    email: facts.email,
    firstName: 'Pat',
    lastName: 'Doe',
    company: 'Acme',
    title: facts.title,
    employees: facts.employees,
    industry: facts.industry,
    country: facts.country,
    phone: facts.phone,
    leadStatus: facts.leadStatus,
    bant: { budget: yes >= 1, authority: yes >= 2, need: yes >= 3, timing: yes >= 4 },
    deals: { open: facts.dealsOpen, won: facts.dealsWon },
  };
}

describe('lifecycle properties', () => {
  it('no sequence of evaluations moves a person backward except through a detour with a reason', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let now = NOW;
        let previous: Decision | null = null;
        const events: EngagementEvent[] = [];
        for (const [index, item] of steps.entries()) {
          now += item.daysLater * DAY;
          item.events.forEach((e, i) =>
            events.push({ id: `s${index}-${i}`, type: e.type, occurredAt: new Date(now - e.hoursBefore * 3_600_000).toISOString(), source: 'test', properties: { url: e.url } }),
          );
          const decision = engine.evaluate(toPerson(item.facts), events, previous, now);
          const from = previous?.stage ?? 'contact';
          const { transition } = decision;

          if (decision.stage === from) {
            expect(transition).toBeNull();
          } else {
            // every change is recorded, with a reason, at this evaluation's time
            expect(transition).toMatchObject({ from, to: decision.stage, at: new Date(now).toISOString() });
            expect(transition!.reason.length).toBeGreaterThan(0);
            expect(decision.history.at(-1)).toMatchObject({ stage: decision.stage, reason: transition!.reason });
            const forward =
              !isDetour(from) && !isDetour(decision.stage) && funnelRank(decision.stage as FunnelStage) > funnelRank(from as FunnelStage);
            const detour = isDetour(decision.stage);
            const reEntry = isDetour(from);
            expect(forward || detour || reEntry).toBe(true);
          }
          previous = decision;
        }
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });

  it('is deterministic: the same sequence evaluated twice gives identical decisions', () => {
    fc.assert(
      fc.property(personFacts, newEvents, (facts, raw) => {
        const events = raw.map((e, i) => ({ id: `e${i}`, type: e.type, occurredAt: new Date(NOW - e.hoursBefore * 3_600_000).toISOString(), source: 'test', properties: { url: e.url } }));
        const shuffled = [...events].reverse();
        expect(engine.evaluate(toPerson(facts), shuffled, null, NOW)).toEqual(engine.evaluate(toPerson(facts), events, null, NOW));
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
