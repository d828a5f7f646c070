import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import type { Engine } from '../../src/engine/engine';
import type { Decision, PreviousState } from '../../src/model/decision';
import type { EngagementEvent, EventType } from '../../src/model/event';
import type { Person } from '../../src/model/person';
import { DAY, engineFrom, event, NOW, person } from '../helpers/rulebook';

/**
 * Two engines compiled from different rulebooks must not share anything an evaluation writes:
 * each decision depends on its own engine and inputs only, whatever the other engine did in
 * between (or is doing, for an evaluation started from inside another one).
 */

const DEFAULT_RULEBOOK = join(__dirname, '..', '..', 'config', 'rulebook.default.yaml');

/** The default rulebook as a plain object, to compile as it is or to change. */
function defaultRulebook(): Record<string, any> {
  return parse(readFileSync(DEFAULT_RULEBOOK, 'utf8'));
}

/**
 * A rulebook unlike the default wherever the engine keeps per-rule or per-event scratch: other
 * and fewer fit rules, other engagement rules and caps, faster signals, stepped decay, a shorter
 * horizon, lower thresholds and fewer reasons. A buffer shared with the default engine would hold
 * the wrong rules' numbers.
 */
function contrastingRulebook(): Record<string, any> {
  const rulebook = defaultRulebook();
  rulebook.version = 'reentrancy-contrast-1';
  rulebook.name = 'Contrasting rulebook';
  // personal addresses are scored here, not disqualified
  rulebook.exclusions = rulebook.exclusions.filter((exclusion: { id: string }) => exclusion.id === 'competitor' || exclusion.id === 'student_email');
  rulebook.fit.rules = [
    { id: 'persona', when: { field: 'title', matches_list: 'persona_titles' }, points: 45, reason: 'persona: {title}' },
    { id: 'industry', when: { field: 'industry', in_list: 'target_industries' }, points: 35, reason: 'industry {industry}' },
    { id: 'personal_address', when: { field: 'email', domain_in_list: 'personal_email_domains' }, points: -25, reason: 'personal address' },
  ];
  rulebook.fit.grades = [
    { grade: 'A', min: 70 },
    { grade: 'C', min: 30 },
    { grade: 'D', min: 0 },
  ];
  rulebook.engagement.max = 80;
  rulebook.engagement.rules = [
    { id: 'any_page', match: { types: ['page_view', 'site_visit'] }, points: 4, cap: { points: 12, window: '3d' }, reason: 'browsed' },
    { id: 'downloads', match: { types: ['content_download'] }, points: 12, group: 'fast', reason: 'downloaded' },
    { id: 'emails', match: { types: ['email_open', 'email_click'] }, points: 2, cap: { points: 4, window: '7d' }, reason: 'read email' },
    { id: 'demo', match: { types: ['demo_request', 'meeting_booked'] }, points: 30, group: 'fast', reason: 'asked for time' },
    { id: 'unsubscribe', match: { types: ['unsubscribe'] }, points: -30, group: 'sticky', reason: 'unsubscribed' },
  ];
  rulebook.engagement.signals = [
    { id: 'quick_downloads', kind: 'velocity', match: { types: ['content_download'] }, count: 2, window: '5d', points: 20, reason: '{count} downloads within {window}' },
    { id: 'back_again', kind: 'repeat_visits', match: { types: ['page_view', 'site_visit'] }, days: 2, window: '7d', points: 8, group: 'fast', reason: 'back on {count} days' },
  ];
  rulebook.decay = {
    horizon: '45d',
    default: { percent: 30, every: '7d' },
    groups: { fast: { half_life: '5d' }, sticky: 'none' },
  };
  rulebook.stages.mql.tiers = [
    { id: 'tier1', label: 'persona in a target industry', when: { field: 'fit.grade', in: ['A'] } },
    { id: 'tier2', label: 'engaged', when: { field: 'engagement.score', gte: 20 } },
  ];
  rulebook.stages.sql = { engagement_threshold: 35, fast_track: { events: [{ types: ['demo_request'] }], within: '7d' } };
  rulebook.stages.recycle = [{ id: 'bad_timing', when: { field: 'leadStatus', in: ['BAD_TIMING'] }, reason: 'recycled: {leadStatus}' }];
  rulebook.priority = [{ priority: 'hot', when: { field: 'score', gte: 40 } }, { priority: 'cold' }];
  rulebook.handoff.required_fields = ['email', 'phone'];
  rulebook.score = { fit_weight: 0.3, engagement_weight: 0.7 };
  rulebook.reasons = { max: 3 };
  return rulebook;
}

/** mulberry32: the same people on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  person: Person;
  events: EngagementEvent[];
  previous: PreviousState | null;
}

const DOMAINS = ['acme-industrial.com', 'gmail.com', 'state.edu', 'gearwatch-analytics.com', 'northfield.com', 'yahoo.com'];
const TITLES = ['VP Operations', 'Reliability Engineer', 'Marketing Intern', 'Plant Director', 'Self-employed consultant', null];
const INDUSTRIES = ['Manufacturing', 'Retail', 'Energy', 'Education', null];
const COUNTRIES = ['US', 'US', 'US', 'DE', null];
const URLS = ['https://x.example/pricing', 'https://x.example/products/a', 'https://x.example/blog/b', 'https://x.example/careers', 'https://x.example/contact'];
const TYPES: EventType[] = [
  'page_view', 'page_view', 'page_view', 'site_visit', 'site_visit', 'email_open', 'email_click', 'content_download', 'content_download',
  'form_submit', 'webinar_attended', 'demo_request', 'meeting_booked', 'unsubscribe', 'hard_bounce',
];
const CONTENT_STAGES = ['awareness', 'consideration', 'decision'] as const;

/**
 * People whose timelines range from none to longer than any scratch buffer starts (so buffers grow
 * mid-run), with re-delivered and out-of-order events, recycles and previous stages.
 */
function people(count: number, seed: number): Case[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const eventCount = i % 17 === 0 ? 150 + Math.floor(random() * 100) : Math.floor(random() * 40);
    const events: EngagementEvent[] = [];
    for (let k = 0; k < eventCount; k++) {
      const type = pick(TYPES);
      const properties: EngagementEvent['properties'] = {};
      if (type === 'page_view') properties.url = pick(URLS);
      if (type === 'content_download') properties.contentStage = pick(CONTENT_STAGES);
      // re-delivered events repeat an earlier id
      const id = k > 0 && random() < 0.1 ? events[Math.floor(random() * k)]!.id : `s${seed}-p${i}-e${k}`;
      events.push(event(type, random() * 100, properties, id));
    }
    const previous: PreviousState | null =
      i % 5 === 0 ? { stage: 'nurture', recycledAt: new Date(NOW - random() * 30 * DAY).toISOString() } : i % 7 === 0 ? { stage: 'mql' } : null;
    const who = person({
      id: `s${seed}-p${i}`,
      email: random() < 0.05 ? null : `person${i}@${pick(DOMAINS)}`,
      title: pick(TITLES),
      industry: pick(INDUSTRIES),
      country: pick(COUNTRIES),
      employees: Math.floor(random() * 2500),
      annualRevenue: random() < 0.5 ? null : Math.floor(random() * 4e8),
      phone: random() < 0.7 ? '+1 555 0100' : null,
      leadStatus: random() < 0.15 ? 'BAD_TIMING' : random() < 0.1 ? 'CONNECTED' : 'NEW',
      bant: random() < 0.2 ? { budget: random() < 0.5, authority: random() < 0.5, need: random() < 0.5, timing: random() < 0.5 } : undefined,
    });
    return { person: who, events, previous };
  });
}

const compileDefault = () => engineFrom(defaultRulebook());
const compileContrast = () => engineFrom(contrastingRulebook());

/** Which people got another decision than expected: a short failure message before any long diff. */
function differing<T>(got: readonly T[], expected: readonly T[], cases: readonly Case[]): string[] {
  expect(got).toHaveLength(expected.length);
  return cases.filter((_, i) => !isDeepStrictEqual(got[i], expected[i])).map((c) => c.person.id);
}

const evaluateAll = (engine: Engine, cases: readonly Case[]): Decision[] => cases.map((c) => engine.evaluate(c.person, c.events, c.previous, NOW));
const explainAll = (engine: Engine, cases: readonly Case[]) => cases.map((c) => engine.explain(c.person, c.events, c.previous, NOW));

describe('engines compiled from different rulebooks share no evaluation state', () => {
  const cases = people(240, 7);
  // each engine alone, freshly compiled: the reference
  const aloneA = evaluateAll(compileDefault(), cases);
  const aloneB = evaluateAll(compileContrast(), cases);
  const explainedAloneA = explainAll(compileDefault(), cases);
  const explainedAloneB = explainAll(compileContrast(), cases);

  it('the two rulebooks decide differently, so a leak between them would show', () => {
    const differing = aloneA.filter((decision, i) => JSON.stringify(decision) !== JSON.stringify(aloneB[i]));
    expect(differing.length).toBeGreaterThan(cases.length * 0.9);
    expect(new Set(aloneA.map((d) => d.engagement.score)).size).toBeGreaterThan(10);
    expect(new Set(aloneB.map((d) => d.engagement.score)).size).toBeGreaterThan(10);
  });

  it('gives the same decisions when the engines take turns person by person', () => {
    const [a, b] = [compileDefault(), compileContrast()];
    const interleavedA: Decision[] = [];
    const interleavedB: Decision[] = [];
    cases.forEach((c, i) => {
      // alternate which engine goes first, too
      if (i % 2 === 0) {
        interleavedA.push(a.evaluate(c.person, c.events, c.previous, NOW));
        interleavedB.push(b.evaluate(c.person, c.events, c.previous, NOW));
      } else {
        interleavedB.push(b.evaluate(c.person, c.events, c.previous, NOW));
        interleavedA.push(a.evaluate(c.person, c.events, c.previous, NOW));
      }
    });
    expect(differing(interleavedA, aloneA, cases)).toEqual([]);
    expect(differing(interleavedB, aloneB, cases)).toEqual([]);
  });

  it('gives the same decisions when each engine scores a different person at each turn', () => {
    // B runs the people backwards: every turn of A follows B on someone else's timeline
    const [a, b] = [compileDefault(), compileContrast()];
    const interleavedA: Decision[] = [];
    const interleavedB: Decision[] = new Array(cases.length);
    cases.forEach((c, i) => {
      const j = cases.length - 1 - i;
      interleavedA.push(a.evaluate(c.person, c.events, c.previous, NOW));
      interleavedB[j] = b.evaluate(cases[j]!.person, cases[j]!.events, cases[j]!.previous, NOW);
    });
    expect(differing(interleavedA, aloneA, cases)).toEqual([]);
    expect(differing(interleavedB, aloneB, cases)).toEqual([]);
  });

  it('gives the same explanations when explain and evaluate calls of both engines alternate', () => {
    const [a, b] = [compileDefault(), compileContrast()];
    const explainedA: unknown[] = [];
    const explainedB: unknown[] = [];
    cases.forEach((c, i) => {
      const other = cases[(i + 1) % cases.length]!;
      explainedA.push(a.explain(c.person, c.events, c.previous, NOW));
      b.evaluate(other.person, other.events, other.previous, NOW);
      explainedB.push(b.explain(c.person, c.events, c.previous, NOW));
      a.evaluate(other.person, other.events, other.previous, NOW);
    });
    expect(differing(explainedA, explainedAloneA, cases)).toEqual([]);
    expect(differing(explainedB, explainedAloneB, cases)).toEqual([]);
  });

  it('gives the same decisions when one engine is evaluated from inside the other', () => {
    // the finest interleaving the API allows: a person field read by engine A (a getter) starts an
    // evaluation of engine B, in the middle of A's evaluation, after A has built its timeline
    const [a, b] = [compileDefault(), compileContrast()];
    const nested = (outer: Engine, inner: Engine, innerDecisions: Decision[][]) =>
      cases.map((c, i) => {
        const partner = cases[(i + 7) % cases.length]!;
        const seen: Decision[] = (innerDecisions[i] = []);
        const title = c.person.title;
        const reentering = Object.defineProperty({ ...c.person }, 'title', {
          enumerable: true,
          get: () => {
            seen.push(inner.evaluate(partner.person, partner.events, partner.previous, NOW));
            return title;
          },
        });
        return outer.evaluate(reentering, c.events, c.previous, NOW);
      });

    const innerB: Decision[][] = [];
    expect(differing(nested(a, b, innerB), aloneA, cases)).toEqual([]);
    const innerA: Decision[][] = [];
    expect(differing(nested(b, a, innerA), aloneB, cases)).toEqual([]);

    // the inner evaluations did happen, and were undisturbed too
    const partnerOf = (i: number) => (i + 7) % cases.length;
    expect(innerB.every((decisions) => decisions.length > 0)).toBe(true);
    expect(innerA.every((decisions) => decisions.length > 0)).toBe(true);
    const innerDiffering = (inner: Decision[][], alone: Decision[]) =>
      cases.filter((_, i) => !inner[i]!.every((decision) => isDeepStrictEqual(decision, alone[partnerOf(i)]))).map((c) => c.person.id);
    expect(innerDiffering(innerB, aloneB)).toEqual([]);
    expect(innerDiffering(innerA, aloneA)).toEqual([]);
  });

  it('carries state forward the same way when the engines take turns over several days', () => {
    const days = [0, 3, 10].map((d) => NOW + d * DAY);
    const chain = (engine: Engine, turns: (run: () => void) => void) => {
      const states: Array<PreviousState | null> = cases.map((c) => c.previous);
      const out: Decision[] = [];
      for (const now of days) {
        cases.forEach((c, i) =>
          turns(() => {
            const decision = engine.evaluate(c.person, c.events, states[i], now);
            states[i] = decision;
            out.push(decision);
          }),
        );
      }
      return out;
    };
    const alone = (engine: Engine) => chain(engine, (run) => run());
    const expectedA = alone(compileDefault());
    const expectedB = alone(compileContrast());

    const [a, b] = [compileDefault(), compileContrast()];
    const pendingB: Array<() => void> = [];
    const gotB = chain(b, (run) => pendingB.push(run));
    const gotA = chain(a, (run) => {
      run();
      pendingB.shift()?.();
    });
    while (pendingB.length > 0) pendingB.shift()!();
    expect(gotA).toHaveLength(days.length * cases.length);
    expect(gotB).toHaveLength(days.length * cases.length);
    expect(gotA.filter((decision, i) => !isDeepStrictEqual(decision, expectedA[i])).map((d) => d.personId)).toEqual([]);
    expect(gotB.filter((decision, i) => !isDeepStrictEqual(decision, expectedB[i])).map((d) => d.personId)).toEqual([]);
  });
});
