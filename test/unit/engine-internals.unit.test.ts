import fc from 'fast-check';
import { compileCondition } from '../../src/engine/condition';
import { createConditionMemo } from '../../src/engine/condition-memo';
import { EVENT_TYPES, type EngagementEvent } from '../../src/model/event';
import { typeCodeOf, typeMaskOf, UNKNOWN_TYPE } from '../../src/engine/event-types';
import type { Facts } from '../../src/engine/facts';
import { ReasonRanking, reuseByCount } from '../../src/engine/reasons';
import { buildTimeline } from '../../src/engine/timeline';
import { isBlankText, trimmed } from '../../src/engine/text';
import type { Reason } from '../../src/model/decision';
import type { Person } from '../../src/model/person';

// The engine's scratch-space internals, checked against the plain definitions they replaced.

const NOW = Date.parse('2026-11-27T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const ev = (id: string, minutesAgo: number, type: EngagementEvent['type'] = 'page_view'): EngagementEvent => ({
  id,
  type,
  occurredAt: at(minutesAgo),
  source: 'test',
  properties: {},
});

/** The timeline as first written: a Set for de-duplication, then a sort by (time, id). */
function plainTimeline(input: readonly EngagementEvent[], from: number, now: number): Array<[string, number, string]> {
  const seen = new Set<string>();
  const kept: Array<[string, number, string]> = [];
  for (const event of input) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const t = Date.parse(event.occurredAt);
    if (t >= from && t <= now) kept.push([event.id, t, event.type]);
  }
  return kept.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function timelineOf(input: readonly EngagementEvent[], from: number, now: number): Array<[string, number, string]> {
  const timeline = buildTimeline(input, from, now);
  return Array.from({ length: timeline.length }, (_, i) => {
    const event = timeline.input[timeline.order[i]!]!;
    expect(timeline.types[i]).toBe(typeCodeOf(event.type));
    return [event.id, timeline.times[i]!, event.type] as [string, number, string];
  });
}

describe('timeline', () => {
  it('keeps the first occurrence of an id in input order, even when that one is outside the window', () => {
    const input = [ev('a', 60 * 24 * 100), ev('a', 10), ev('b', 5), ev('b', 1), ev('c', -5)];
    expect(timelineOf(input, NOW - 90 * 86_400_000, NOW).map(([id]) => id)).toEqual(['b']);
  });

  it('matches the Set-and-sort definition on random input with repeated ids, ties and unknown types', () => {
    const event = fc.record({
      id: fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', ''), fc.string({ maxLength: 40 })),
      minutesAgo: fc.integer({ min: -10, max: 200 }),
      type: fc.constantFrom(...EVENT_TYPES, 'not_a_type'),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 120 }), (raw) => {
        const input = raw.map((e) => ({ ...ev(e.id, e.minutesAgo), type: e.type as EngagementEvent['type'] }));
        expect(timelineOf(input, NOW - 150 * 60_000, NOW)).toEqual(plainTimeline(input, NOW - 150 * 60_000, NOW));
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('handles ids that share everything the hash samples (long ids differing in the middle)', () => {
    const long = (n: number) => `evt-${'x'.repeat(20)}${String(n).padStart(4, '0')}${'y'.repeat(20)}`;
    const input = Array.from({ length: 300 }, (_, i) => ev(long(i % 150), i));
    expect(timelineOf(input, 0, NOW)).toEqual(plainTimeline(input, 0, NOW));
  });
});

describe('event type codes', () => {
  it('gives every known type its own code and everything else the unknown code', () => {
    expect(EVENT_TYPES.map(typeCodeOf)).toEqual(EVENT_TYPES.map((_, i) => i));
    for (const other of ['', 'page_vieW', 'page_view ', 'x', 'spam_complaints', 'toString']) expect(typeCodeOf(other)).toBe(UNKNOWN_TYPE);
    const mask = typeMaskOf(['demo_request', 'chat']);
    expect(EVENT_TYPES.filter((type) => (mask >>> typeCodeOf(type)) & 1)).toEqual(['demo_request', 'chat']);
    expect((mask >>> UNKNOWN_TYPE) & 1).toBe(0);
  });
});

describe('reason ranking', () => {
  it('orders like a stable sort by descending |points| and keeps only what fits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 70 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 8 }), (points, prefix, limit) => {
        const ranking = new ReasonRanking();
        ranking.reset();
        points.forEach((p, i) => ranking.offer(i % 3, i, p));
        const start: Reason[] = Array.from({ length: prefix }, (_, i) => ({ text: `detour ${i}`, points: 0 }));
        const got = ranking.take([...start], limit, {} as Facts, (kind, index) => `${kind}:${index}`);
        const sorted = points.map((p, i) => ({ text: `${i % 3}:${i}`, points: p })).sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
        expect(got).toEqual([...start, ...sorted.slice(0, Math.max(0, limit - prefix))]);
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('reuses the text of a reason that depends on the count alone, and only of such a reason', () => {
    let rendered = 0;
    const render = (facts: Facts, count: number) => `${++rendered}:${count}:${facts.person.title ?? ''}`;
    const facts = { person: { id: 'p', title: 'VP' } } as Facts;
    const byCount = reuseByCount('seen {count} times', ['count'], render);
    expect(byCount(facts, 2)).toBe(byCount(facts, 2));
    expect(byCount(facts, 3)).not.toBe(byCount(facts, 2));
    const personal = reuseByCount('{title} came back {count} times', ['count'], render);
    expect(personal(facts, 2)).not.toBe(personal(facts, 2));
  });
});

describe('condition memo', () => {
  const lists = { served: ['US', ' de '] };
  const person = (country: Person['country'] | string): Person => ({ id: 'p', country: country as Person['country'] });
  let evaluation = 0;
  const factsFor = (who: Person): Facts => ({ evaluation: ++evaluation, person: who, emailDomain: null, fitScore: 0, fitGrade: 'A', engagementScore: 0, score: 0, handRaiseAgeDays: null, daysSinceEngagement: null });

  it('gives in and not_in the same answers with and without sharing, for empty, boolean and odd values', () => {
    const memo = createConditionMemo();
    const shared = [{ field: 'country', in_list: 'served' }, { field: 'country', not_in_list: 'served' }, { field: 'country', in: ['de', 'US '] }].map((c) =>
      compileCondition(c, lists, memo),
    );
    const alone = [{ field: 'country', in_list: 'served' }, { field: 'country', not_in_list: 'served' }, { field: 'country', in: ['de', 'US '] }].map((c) =>
      compileCondition(c, lists),
    );
    for (const value of ['US', 'us', ' De', 'FR', '', '  ', null, undefined, true, 7]) {
      const facts = factsFor(person(value as string));
      expect(shared.map((predicate) => predicate(facts))).toEqual(alone.map((predicate) => predicate(facts)));
      // asked again in the same evaluation: the same answers
      expect(shared.map((predicate) => predicate(facts))).toEqual(alone.map((predicate) => predicate(facts)));
    }
  });

  it('does not remember derived fields, which change during an evaluation', () => {
    const predicate = compileCondition({ field: 'fit.grade', in: ['A'] }, lists, createConditionMemo());
    const facts = factsFor(person('US'));
    expect(predicate(facts)).toBe(true);
    facts.fitGrade = 'B';
    expect(predicate(facts)).toBe(false);
  });

  it('answers afresh in the next evaluation', () => {
    const predicate = compileCondition({ field: 'title', matches: 'engineer' }, lists, createConditionMemo());
    expect(predicate(factsFor({ id: 'p', title: 'Reliability Engineer' }))).toBe(true);
    expect(predicate(factsFor({ id: 'p', title: 'Intern' }))).toBe(false);
  });
});

describe('trimming', () => {
  it('agrees with String#trim, white space of every kind included', () => {
    const char = fc.constantFrom(' ', '\t', '\n', '\u000b', '\f', '\r', '\u00a0', '\u1680', '\u2003', '\u2028', '\u202f', '\u3000', '\ufeff', '\u007f', '\u0085', 'a', 'Z', '1', '-', 'é');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 8 }), (chars) => {
        const value = chars.join('');
        expect(trimmed(value)).toBe(value.trim());
        expect(isBlankText(value)).toBe(value.trim() === '');
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
