import { planTick, type TickInput } from '../../src/sla/sla-tick';
import { recordOwnerPlanner } from '../../src/sla/record-owner-planner';
import { cadenceTimes } from '../../src/sla/cadence-times';
import { touchTimes } from '../../src/sla/touches';
import { loadRulebookFile as loadRulebook } from '../../src/rulebook/load';
import type { SlaHandoff } from '../../src/store';

const START = Date.parse('2026-11-27T09:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// the default rulebook's plan: first touch 30m, cadence 30m 1d 3d 5d 9d 14d, escalation 1d after the due time
const STEP_DUE = [START + 30 * MIN, START + DAY, START + 3 * DAY, START + 5 * DAY, START + 9 * DAY, START + 14 * DAY];
const ESCALATION = START + 30 * MIN + DAY;

function handoff(overrides: Partial<SlaHandoff> = {}): SlaHandoff {
  return {
    id: 'h1', workspaceId: 'w', installationId: 'i', personId: 'p', handoffKey: `p:sql:${new Date(START).toISOString()}`, kind: 'handoff',
    startedAt: new Date(START).toISOString(), firstTouchDueAt: new Date(STEP_DUE[0]!).toISOString(), ownerId: 'o1', ownerSource: 'record', team: null,
    timeZone: 'UTC', status: 'pending', firstTouchedAt: null, escalatedAt: null, nextStep: 1, nextDueAt: new Date(STEP_DUE[0]!).toISOString(),
    outcome: null, outcomeReason: null, closedAt: null, note: null, rulebookVersion: 'v1', createdAt: '', updatedAt: '', ...overrides,
  };
}

function input(overrides: Partial<TickInput> = {}): TickInput {
  return { handoff: handoff(), now: START + 10 * MIN, stage: 'sql', stageReason: null, stillHeld: false, touches: [], stepDue: STEP_DUE, escalationAt: ESCALATION, expiryReason: 'SLA cadence ended with no outcome', ...overrides };
}

describe('SLA state machine', () => {
  it('a first touch before the due time is met, and the next step follows the touch at once', () => {
    const plan = planTick(input({ touches: [START + 20 * MIN], now: START + 21 * MIN }));
    expect(plan.change).toMatchObject({ status: 'met', firstTouchedAt: new Date(START + 20 * MIN).toISOString(), nextStep: 2 });
    expect(plan.createSteps).toEqual([1]);
    expect(plan).toMatchObject({ escalate: false, expire: false, closed: false });
    // it wakes when step 1 is due (the next step's creation), not before
    expect(plan.change.nextDueAt).toBe(new Date(STEP_DUE[1]!).toISOString());
  });

  it('a first touch after the due time is met late', () => {
    expect(planTick(input({ touches: [START + 2 * HOUR], now: START + 2 * HOUR })).change.status).toBe('met_late');
  });

  it('an untouched first touch is escalated once, at escalation.after past its due time', () => {
    const before = planTick(input({ now: ESCALATION - 1, handoff: handoff({ nextStep: 2 }) }));
    expect(before.escalate).toBe(false);
    expect(before.change.nextDueAt).toBe(new Date(ESCALATION).toISOString());
    const at = planTick(input({ now: ESCALATION, handoff: handoff({ nextStep: 2 }) }));
    expect(at).toMatchObject({ escalate: true, change: { status: 'breached', escalatedAt: new Date(ESCALATION).toISOString() } });
    const again = planTick(input({ now: ESCALATION + HOUR, handoff: handoff({ nextStep: 2, status: 'breached', escalatedAt: new Date(ESCALATION).toISOString() }) }));
    expect(again.escalate).toBe(false);
  });

  it('a breached handoff touched later keeps breached and records the touch', () => {
    const plan = planTick(input({ now: ESCALATION + DAY, touches: [ESCALATION + HOUR], handoff: handoff({ status: 'breached', escalatedAt: new Date(ESCALATION).toISOString(), nextStep: 2 }) }));
    expect(plan.change.status).toBeUndefined();
    expect(plan.change.firstTouchedAt).toBe(new Date(ESCALATION + HOUR).toISOString());
  });

  it('creates each step when the one before is due; catching up after an outage, only the newest', () => {
    const met = { status: 'met' as const, firstTouchedAt: new Date(START).toISOString() };
    expect(planTick(input({ now: STEP_DUE[1]!, handoff: handoff({ ...met, nextStep: 2 }), touches: [START] })).createSteps).toEqual([2]);
    expect(planTick(input({ now: STEP_DUE[1]! - 1, handoff: handoff({ ...met, nextStep: 2 }), touches: [START] })).createSteps).toEqual([]);
    const plan = planTick(input({ now: START + 6 * DAY, handoff: handoff(met), touches: [START] }));
    expect(plan.createSteps).toEqual([4]);
    expect(plan.change.nextStep).toBe(5);
    expect(plan.change.nextDueAt).toBe(new Date(STEP_DUE[4]!).toISOString());
  });

  it('a cadence already over when first looked at expires with no escalation and no stale tasks', () => {
    const plan = planTick(input({ now: STEP_DUE[5]! + 30 * DAY }));
    expect(plan).toMatchObject({ escalate: false, createSteps: [], expire: true, change: { status: 'expired', nextStep: 6 } });
  });

  it('expires when the last step is due with no outcome, and never acts on a closed handoff', () => {
    const plan = planTick(input({ now: STEP_DUE[5]!, handoff: handoff({ nextStep: 6, status: 'breached', escalatedAt: 'x' }) }));
    expect(plan).toMatchObject({ expire: true, change: { outcome: 'expired', nextDueAt: null, outcomeReason: 'SLA cadence ended with no outcome' } });
    // the status keeps how the first touch went (breached, met, met late): compliance still counts it
    expect(plan.change.status).toBeUndefined();
    expect(planTick(input({ now: STEP_DUE[5]!, handoff: handoff({ nextStep: 6, status: 'met', firstTouchedAt: new Date(STEP_DUE[0]! - 60_000).toISOString() }) })).change.status).toBeUndefined();
    // one nobody touched and nobody escalated (its cadence was over when first seen) is expired
    expect(planTick(input({ now: STEP_DUE[5]!, handoff: handoff({ nextStep: 6, status: 'pending' }) })).change).toMatchObject({ status: 'expired', outcome: 'expired' });
    const closed = planTick(input({ now: STEP_DUE[5]! + DAY, handoff: handoff({ nextStep: 6, status: 'expired', closedAt: new Date(STEP_DUE[5]!).toISOString() }) }));
    expect(closed).toMatchObject({ expire: false, createSteps: [], change: { nextDueAt: null } });
  });

  it.each([
    ['nurture', 'recycled'],
    ['disqualified', 'disqualified'],
    ['opportunity', 'opportunity'],
    ['customer', 'customer'],
  ] as const)('a person who moved to %s closes the handoff with outcome %s', (stage, outcome) => {
    const plan = planTick(input({ stage, stageReason: 'rep said not now' }));
    expect(plan).toMatchObject({ closed: true, createSteps: [], change: { status: 'closed', outcome, outcomeReason: 'rep said not now', nextDueAt: null } });
    // a met handoff keeps its compliance status when it closes
    expect(planTick(input({ stage, handoff: handoff({ status: 'met' }) })).change.status).toBeUndefined();
  });

  it('a held handoff stays while the person is held, and is released when they become SQL', () => {
    const held = handoff({ kind: 'held', handoffKey: 'p:held:2026-11-27T09:00:00.000Z', nextDueAt: null });
    expect(planTick(input({ handoff: held, stage: 'mql', stillHeld: true })).closed).toBe(false);
    expect(planTick(input({ handoff: held, stage: 'sql' })).change).toMatchObject({ status: 'closed', outcome: 'released' });
  });

  it('counts only rep-logged calls, emails and meetings at or after the start as touches', () => {
    const at = (minutes: number) => new Date(START + minutes * MIN).toISOString();
    const events = [
      { id: 'a', type: 'sales_call' as const, occurredAt: at(5), source: 'x', properties: {} },
      { id: 'b', type: 'page_view' as const, occurredAt: at(6), source: 'x', properties: {} },
      { id: 'c', type: 'sales_email' as const, occurredAt: at(-5), source: 'x', properties: {} },
      { id: 'd', type: 'meeting_booked' as const, occurredAt: at(2), source: 'x', properties: {} },
    ];
    expect(touchTimes(events, START)).toEqual([START + 2 * MIN, START + 5 * MIN]);
  });

  it('the record-owner planner runs calendar time and names the rulebook escalation owner of the provider', async () => {
    const rulebook = loadRulebook('config/rulebook.default.yaml');
    const withOwner = { ...rulebook, sla: { ...rulebook.sla, escalation: { ...rulebook.sla.escalation, to: { crm_a: 'mgr-7' } } } };
    const planner = recordOwnerPlanner({ provider: 'crm_a', rulebook: withOwner, workspaceTimeZone: 'Europe/Paris' });
    expect(await planner.escalationOwner('i', 'o1')).toBe('mgr-7');
    expect(await recordOwnerPlanner({ provider: 'crm_b', rulebook: withOwner, workspaceTimeZone: 'UTC' }).escalationOwner('i', 'o1')).toBeNull();
    const person = { id: 'p' } as never;
    expect(await planner.assign({ workspaceId: 'w', installationId: 'i', person, recordOwnerId: null })).toMatchObject({ ownerId: null, source: 'none', timeZone: 'Europe/Paris' });
    expect((await planner.assign({ workspaceId: 'w', installationId: 'i', person, recordOwnerId: null })).note).toMatch(/unassigned/);
    expect(cadenceTimes(rulebook, planner, START, START + 30 * MIN, 'UTC')).toEqual({ stepDue: STEP_DUE, escalationAt: ESCALATION });
  });
});
