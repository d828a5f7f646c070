import { stringify } from 'yaml';
import { compileRulebook } from '../../src/engine/engine';
import { decayClock, horizonStart } from '../../src/engine/decay';
import type { Decision } from '../../src/model/decision';
import type { EngagementEvent } from '../../src/model/event';
import { loadRulebookFile, parseRulebook } from '../../src/rulebook/load';
import { RulebookValidationError } from '../../src/rulebook/rulebook-error';
import { baseRulebook, DAY, engineFrom, event, HOUR, NOW, person } from '../helpers/rulebook';

const defaultRulebook = loadRulebookFile('config/rulebook.default.yaml');
const engine = compileRulebook(defaultRulebook);
/** A good fit (grade A) by the default rulebook: US reliability engineer at a 450-employee manufacturer. */
const goodFit = (overrides: Parameters<typeof person>[0] = {}) =>
  person({ title: 'Reliability Engineer', employees: 450, industry: 'manufacturing', phone: '+1 555 0100', company: 'Acme', ...overrides });
const texts = (decision: Decision) => decision.reasons.map((reason) => reason.text);
const slaExpired = (daysAgo: number): EngagementEvent => ({ ...event('site_visit', daysAgo), type: 'sla_expired', source: 'leadstage' });

describe('priority reflects intent and recency', () => {
  it('makes a fresh hand-raise from a good fit hot although its engagement total is still low', () => {
    const decision = engine.evaluate(goodFit(), [event('demo_request', 1)], null, NOW);
    expect(decision).toMatchObject({ stage: 'sql', fit: { grade: 'A' }, priority: 'hot' });
    // the total alone would not make it hot: it is below the score band's 70
    expect(decision.score).toBeLessThan(70);
  });

  it('cools a hand-raise as it ages, and never heats a poor fit', () => {
    expect(engine.evaluate(goodFit(), [event('demo_request', 20)], null, NOW).priority).toBe('warm');
    const poorFit = goodFit({ title: 'Analyst', employees: 50 });
    expect(engine.evaluate(poorFit, [event('demo_request', 1)], null, NOW).fit.grade).toMatch(/[CD]/);
    expect(engine.evaluate(poorFit, [event('demo_request', 1)], null, NOW).priority).not.toBe('hot');
  });

  it('gives conditions whole days since the hand-raise and since the last engagement, empty when none', () => {
    const rulebook = baseRulebook();
    rulebook.priority = [
      { priority: 'hot', when: { field: 'intent.hand_raise_age_days', lte: 2 } },
      { priority: 'warm', when: { field: 'engagement.days_since_last', lte: 3 } },
      { priority: 'cold' },
    ];
    const recent = engineFrom(rulebook);
    expect(recent.evaluate(person(), [event('demo_request', 2)], null, NOW).priority).toBe('hot');
    // NOW is 12:00 UTC: 2.6 days ago is three calendar days back
    expect(recent.evaluate(person(), [event('demo_request', 2.6)], null, NOW).priority).toBe('warm');
    expect(recent.evaluate(person(), [event('page_view', 3)], null, NOW).priority).toBe('warm');
    expect(recent.evaluate(person(), [event('page_view', 5)], null, NOW).priority).toBe('cold');
    // an unsubscribe is no engagement to be recent about
    expect(recent.evaluate(person(), [event('unsubscribe', 0.1)], null, NOW).priority).toBe('cold');
    expect(recent.evaluate(person(), [], null, NOW).priority).toBe('cold');
  });

  it('refuses day counts compared as text, and unknown fields, naming what is known', () => {
    const rulebook = baseRulebook();
    rulebook.priority = [{ priority: 'hot', when: { field: 'intent.hand_raise_age_days', equals: 'recent' } }, { priority: 'cold' }];
    expect(() => engineFrom(rulebook)).toThrow(/priority\[0\]\.when\.equals: "intent\.hand_raise_age_days" is a number of whole days .*lte: 7.*got equals: "recent"/);
    rulebook.priority = [{ priority: 'hot', when: { field: 'intent.hand_raise_age', lte: 7 } }, { priority: 'cold' }];
    expect(() => engineFrom(rulebook)).toThrow(/unknown field "intent\.hand_raise_age" \(known: .*intent\.hand_raise_age_days/);
    // derived facts are not known while fit rules run
    const fit = baseRulebook();
    fit.fit.rules.push({ id: 'recent', when: { field: 'engagement.days_since_last', lte: 1 }, points: 5, reason: 'recent' });
    expect(() => engineFrom(fit)).toThrow(/only known in stages and priority/);
  });
});

describe('reasons explain the stage', () => {
  const engaged = [
    event('page_view', 1, { url: 'https://x.test/pricing' }),
    event('page_view', 2, { url: 'https://x.test/pricing' }),
    event('webinar_attended', 3),
    event('content_download', 1, { contentStage: 'decision' }),
    event('content_download', 2),
    event('content_download', 4),
  ];

  it('shows an SQL on engagement the behaviours first, and still gives fit room', () => {
    const decision = engine.evaluate(goodFit({ title: 'VP Operations' }), engaged, null, NOW);
    expect(decision.transition?.reason).toMatch(/reached the SQL threshold/);
    const reasons = decision.reasons;
    expect(reasons).toHaveLength(5);
    // three behaviours (the larger half) then two fit attributes, each group best first
    expect(texts(decision).slice(0, 3).sort()).toEqual(['attended a live webinar or event', 'downloaded decision-stage content', 'viewed pricing (2×)']);
    expect(reasons[0]!.points).toBeGreaterThanOrEqual(reasons[1]!.points);
    expect(texts(decision).slice(3)).toEqual(['VP Operations: a target persona', 'target industry (manufacturing)']);
  });

  it('leads with fit for a person qualified on fit, and gives the other group what one cannot fill', () => {
    const mql = engine.evaluate(goodFit(), [event('email_open', 1)], null, NOW);
    expect(mql.stage).toBe('mql');
    expect(texts(mql)).toEqual(['Reliability Engineer: a target persona', 'target industry (manufacturing)', 'based in US', '450-employee company', 'opened a nurture email']);
  });

  it('puts the why first for a person in nurture or disqualified, and never makes them hot', () => {
    // the demo's nurture row: tier-2 industry, strong engagement and fit; the old engine called them hot
    const tier2 = goodFit({ title: 'VP Operations', employees: 2000, industry: 'retail' });
    const nurture = engine.evaluate(tier2, [...engaged, event('demo_request', 1)], null, NOW);
    expect(nurture.stage).toBe('nurture');
    expect(nurture.score).toBeGreaterThanOrEqual(70);
    expect(nurture.priority).toBe('warm');
    expect(texts(nurture)[0]).toBe('industry outside target (retail): tier-2 nurture');
    const disqualified = engine.evaluate(goodFit({ email: 'pat@gmail.com' }), [event('demo_request', 1)], null, NOW);
    expect(disqualified).toMatchObject({ stage: 'disqualified', priority: 'cold' });
    expect(texts(disqualified)[0]).toBe('personal email address (gmail.com)');
  });

  it('keeps the reason a person went to nurture first while they stay there', () => {
    const sql = engine.evaluate(goodFit(), [event('demo_request', 2)], null, NOW - DAY);
    const recycled = engine.evaluate(goodFit({ leadStatus: 'UNQUALIFIED' }), [event('demo_request', 2)], sql, NOW);
    const later = engine.evaluate(goodFit({ leadStatus: 'UNQUALIFIED' }), [event('demo_request', 2)], recycled, NOW + DAY);
    expect(later.stage).toBe('nurture');
    expect(texts(later)[0]).toBe('recycled to nurture: sales marked it UNQUALIFIED');
  });
});

describe('SLA outcomes and rep outcomes', () => {
  const sqlAt = (at: number) => engine.evaluate(goodFit(), [event('demo_request', 3)], null, at);

  it('recycles an SQL whose SLA cadence ended with no outcome to on_expiry, with its reason first', () => {
    const sql = sqlAt(NOW - 2 * DAY);
    expect(sql.slaStartAt).toBe(new Date(NOW - 3 * DAY).toISOString());
    const events = [event('demo_request', 3), slaExpired(0.5)];
    const expired = engine.evaluate(goodFit(), events, sql, NOW);
    expect(expired).toMatchObject({ stage: 'nurture', recycledAt: new Date(NOW).toISOString(), slaStartAt: null });
    expect(expired.transition).toMatchObject({ from: 'sql', to: 'nurture', reason: 'SLA cadence ended with no outcome' });
    expect(texts(expired)[0]).toBe('SLA cadence ended with no outcome');
    expect(expired.priority).not.toBe('hot');
    // nothing new: they stay in nurture, the same decision again
    const again = engine.evaluate(goodFit(), events, expired, NOW + HOUR);
    expect(again).toMatchObject({ stage: 'nurture', transition: null, recycledAt: expired.recycledAt });
    expect(texts(again)[0]).toBe('SLA cadence ended with no outcome');
    // later engagement qualifies them again: a new demo request makes an SQL with a new SLA
    const back = engine.evaluate(goodFit(), [...events, event('demo_request', -2)], again, NOW + 3 * DAY);
    expect(back).toMatchObject({ stage: 'sql', slaStartAt: new Date(NOW + 2 * DAY).toISOString() });
    expect(back.transition?.reason).toBe('re-qualified: fast track: requested a demo');
    // the old expiry is before the new SLA started: it does not recycle them again
    expect(engine.evaluate(goodFit(), [...events, event('demo_request', -2)], back, NOW + 4 * DAY).stage).toBe('sql');
  });

  it('ignores an expiry from before the SLA started, and lets the rep\'s acceptance win', () => {
    const sql = sqlAt(NOW - 2 * DAY);
    expect(engine.evaluate(goodFit(), [event('demo_request', 3), slaExpired(4)], sql, NOW).stage).toBe('sql');
    expect(engine.evaluate(goodFit({ leadStatus: 'CONNECTED' }), [event('demo_request', 3), slaExpired(0.5)], sql, NOW).stage).toBe('sql');
  });

  it('never scores sla_expired, and a rulebook cannot match it', () => {
    const plain = engine.evaluate(goodFit(), [event('email_open', 1)], null, NOW);
    const withExpiry = engine.evaluate(goodFit(), [event('email_open', 1), slaExpired(1)], null, NOW);
    expect(withExpiry.engagement).toEqual(plain.engagement);
    const rulebook = baseRulebook();
    rulebook.engagement.rules.push({ id: 'expired', match: { types: ['sla_expired'] }, points: 5, reason: 'x' });
    expect(() => engineFrom(rulebook)).toThrow(/engagement\.rules\[1\]\.match\.types\[0\]/);
  });

  it('a rep rejects: recycled with the reason, then re-qualifies on later engagement, and stays qualified', () => {
    const sql = sqlAt(NOW - 2 * DAY);
    const rejected = goodFit({ leadStatus: 'UNQUALIFIED' });
    const recycled = engine.evaluate(rejected, [event('demo_request', 3)], sql, NOW);
    expect(recycled).toMatchObject({ stage: 'nurture', priority: 'warm' });
    expect(recycled.transition?.reason).toBe('recycled to nurture: sales marked it UNQUALIFIED');
    // the status still says UNQUALIFIED and nothing new happened: they stay
    expect(engine.evaluate(rejected, [event('demo_request', 3)], recycled, NOW + DAY).stage).toBe('nurture');
    // months later they ask for a trial: sales gets them again, although the old status is unchanged
    const later = [event('demo_request', 3), event('trial_signup', -40)];
    const requalified = engine.evaluate(rejected, later, recycled, NOW + 41 * DAY);
    expect(requalified.stage).toBe('sql');
    expect(requalified.transition?.reason).toBe('re-qualified: fast track: signed up for a trial');
    // and the spent verdict does not send them back on the next evaluation
    expect(engine.evaluate(rejected, later, requalified, NOW + 42 * DAY).stage).toBe('sql');
    // a new verdict does
    const badTiming = engine.evaluate(goodFit({ leadStatus: 'BAD_TIMING' }), later, requalified, NOW + 43 * DAY);
    expect(badTiming.stage).toBe('nurture');
    expect(texts(badTiming)[0]).toBe('recycled to nurture: sales marked it BAD_TIMING');
  });

  it('BANT qualifies an MQL for sales, and a failed BANT recycles it with the reason', () => {
    const mql = engine.evaluate(goodFit(), [], null, NOW - DAY);
    expect(mql.stage).toBe('mql');
    const qualified = engine.evaluate(goodFit({ bant: { budget: true, authority: true, need: true, timing: null } }), [], mql, NOW);
    expect(qualified).toMatchObject({ stage: 'sql', slaStartAt: new Date(NOW).toISOString() });
    expect(qualified.transition?.reason).toBe('BANT qualified (3 of 4)');
    const failed = engine.evaluate(goodFit({ bant: { budget: false, authority: true, need: false, timing: true } }), [], qualified, NOW + DAY);
    expect(failed.stage).toBe('nurture');
    expect(texts(failed)[0]).toBe('recycled to nurture: BANT failed');
  });

  it('sales accepting puts the person on the opportunity path: SQL now, opportunity once a deal exists', () => {
    const accepted = engine.evaluate(goodFit({ leadStatus: 'IN_PROGRESS' }), [], null, NOW);
    expect(accepted.stage).toBe('sql');
    expect(engine.evaluate(goodFit({ leadStatus: 'OPEN_DEAL', deals: { open: 1, won: 0 } }), [], accepted, NOW + DAY).stage).toBe('opportunity');
  });
});

describe('decay by whole days in the workspace time zone', () => {
  it('starts the day at the zone\'s midnight, DST days included', () => {
    const at = Date.parse('2026-11-27T03:00:00Z'); // 22:00 on the 26th in New York
    expect(new Date(decayClock(at)).toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(new Date(decayClock(at, 'America/New_York')).toISOString()).toBe('2026-11-26T05:00:00.000Z');
    expect(new Date(decayClock(at, 'Europe/Berlin')).toISOString()).toBe('2026-11-26T23:00:00.000Z');
    // 2026-03-29 in Berlin has 23 hours: the day after still starts at local midnight
    expect(new Date(decayClock(Date.parse('2026-03-30T12:00:00Z'), 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    // Santiago skips from 00:00 to 01:00 on 2026-09-06: that day starts at 01:00 local (04:00Z)
    expect(new Date(decayClock(Date.parse('2026-09-06T12:00:00Z'), 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(horizonStart(at, 90 * DAY, 'America/New_York')).toBe(decayClock(at, 'America/New_York') - 90 * DAY);
  });

  it('fades engagement at the workspace\'s midnight, not UTC\'s', () => {
    const rulebook = baseRulebook();
    rulebook.decay.default = { half_life: '1d' };
    const parsed = parseRulebook(stringify(rulebook), 'test.yaml');
    const at = Date.parse('2026-11-27T03:00:00Z'); // 22:00 on the 26th in New York
    const events = [{ ...event('page_view', 0), occurredAt: '2026-11-26T20:00:00Z' }]; // 15:00 the same New York day
    const utc = compileRulebook(parsed).evaluate(person(), events, null, at);
    const newYork = compileRulebook(parsed, { timeZone: 'America/New_York' });
    expect(newYork.timeZone).toBe('America/New_York');
    const local = newYork.evaluate(person(), events, null, at);
    expect(local.engagement.score).toBe(10); // today in New York: full points
    expect(utc.engagement.score).toBeLessThan(10); // yesterday in UTC: faded
    // the New York day turns at 05:00Z: the same event then fades there too
    expect(newYork.evaluate(person(), events, null, Date.parse('2026-11-27T05:30:00Z')).engagement.score).toBeLessThan(10);
  });

  it('refuses a time zone that is no IANA name, naming it', () => {
    const parsed = parseRulebook(stringify(baseRulebook()), 'test.yaml');
    expect(() => compileRulebook(parsed, { timeZone: 'Mars/Olympus' })).toThrow('invalid time zone "Mars/Olympus": expected an IANA time zone name');
  });
});

describe('rulebook errors name the value', () => {
  it('a wrong type says what was expected and what was given', () => {
    const rulebook = baseRulebook();
    rulebook.fit.rules[0].points = 'fifty';
    try {
      engineFrom(rulebook);
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(RulebookValidationError);
      expect((error as Error).message).toMatch(/fit\.rules\[0\]\.points: expected number, got "fifty"/);
    }
  });
});
