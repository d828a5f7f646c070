import type { Stage } from '../model/stage';
import type { HandoffChange, SlaHandoff } from '../store';
import { handoffTag } from './handoff-keys';

/**
 * The SLA state machine (SPEC.md §3.10), a pure function of a handoff, the person as they are now
 * and the time: which cadence tasks to reserve, whether to escalate or expire, and what to change
 * on the handoff. The sla job does the I/O around it; nothing here reads a clock or the store.
 *
 *   pending ──first touch ≤ due──▶ met          pending ──overdue by escalation.after──▶ breached
 *   pending ──first touch > due──▶ met_late     (a breached handoff touched later stays breached)
 *   any open ──cadence ended, still in the stage──▶ outcome expired (sla_expired recorded, on_expiry
 *     decides); the status keeps how the first touch went (met, met late, breached), and one never
 *     touched nor escalated becomes expired
 *   any open ──person left the stage──▶ closed with that outcome (recycled, disqualified, opportunity…)
 */
export interface TickInput {
  handoff: SlaHandoff;
  now: number;
  /** The person's stage now; null when the person is gone (erased, merged away). */
  stage: Stage | null;
  /** The engine's reason for that stage (the transition that moved them), for the outcome. */
  stageReason: string | null;
  /** A held handoff: whether the person is still held for missing fields. */
  stillHeld: boolean;
  /** Rep-logged touches at or after the start (ms), earliest first. */
  touches: readonly number[];
  /** Each cadence step's due time (ms): step 0 is the first touch. */
  stepDue: readonly number[];
  /** When an untouched first touch is escalated (ms). */
  escalationAt: number;
  expiryReason: string;
}

export interface TickPlan {
  change: HandoffChange;
  /** Cadence steps whose tasks are reserved now. */
  createSteps: number[];
  escalate: boolean;
  /** The cadence ended with no outcome: record sla_expired for the person. */
  expire: boolean;
  /** The person left the handoff's stage (or is gone): the handoff is closed. */
  closed: boolean;
}

/** A person leaving the stage: recycled to nurture, disqualified, or moved on in the CRM. */
export function outcomeOf(stage: Stage | null): string {
  if (stage === null) return 'gone';
  return stage === 'nurture' ? 'recycled' : stage;
}

function isOpen(handoff: SlaHandoff): boolean {
  return handoff.closedAt === null;
}

export function planTick(input: TickInput): TickPlan {
  const { handoff, now } = input;
  const plan: TickPlan = { change: {}, createSteps: [], escalate: false, expire: false, closed: false };
  if (!isOpen(handoff)) {
    plan.change = { nextDueAt: null };
    return plan;
  }
  const nowIso = new Date(now).toISOString();
  const tag = handoffTag(handoff.handoffKey);

  if (tag === 'held') {
    // a held handoff ends when the fields are filled (the person moves on to SQL) or the person leaves MQL
    if (input.stage === 'mql' && input.stillHeld) {
      plan.change = { nextDueAt: null };
      return plan;
    }
    plan.closed = true;
    plan.change = { status: 'closed', nextDueAt: null, closedAt: nowIso, outcome: input.stage === 'sql' ? 'released' : outcomeOf(input.stage), outcomeReason: input.stageReason };
    return plan;
  }

  if (input.stage !== tag) {
    plan.closed = true;
    plan.change = {
      ...(handoff.status === 'pending' ? { status: 'closed' as const } : {}),
      nextDueAt: null,
      closedAt: nowIso,
      outcome: outcomeOf(input.stage),
      outcomeReason: input.stageReason,
    };
    return plan;
  }

  const change: HandoffChange = {};
  let status = handoff.status;
  const firstTouch = input.touches[0];
  if (handoff.firstTouchedAt === null && firstTouch !== undefined) {
    change.firstTouchedAt = new Date(firstTouch).toISOString();
    if (status === 'pending') status = firstTouch <= Date.parse(handoff.firstTouchDueAt) ? 'met' : 'met_late';
  }
  const touched = handoff.firstTouchedAt !== null || firstTouch !== undefined;
  const steps = input.stepDue.length;
  const lastDue = input.stepDue[steps - 1]!;
  // a cadence already over when first looked at (a first sync of old SQLs, a long outage) expires
  // without a burst of stale tasks: no escalation and no step tasks for what nobody can do any more
  const over = now >= lastDue;
  if (!over && !touched && handoff.escalatedAt === null && status === 'pending' && now >= input.escalationAt) {
    plan.escalate = true;
    status = 'breached';
    change.escalatedAt = nowIso;
  }

  // each step is created once the one before it is done (one touch per step) or due; catching up
  // (several steps came due at once), only the newest is created: the ones it replaces are stale
  let next = handoff.nextStep;
  while (next < steps && next > 0 && (input.touches.length >= next || input.stepDue[next - 1]! <= now)) next++;
  if (next !== handoff.nextStep) {
    change.nextStep = next;
    if (!over) plan.createSteps.push(next - 1);
  }

  const cadenceDone = next >= steps && (now >= lastDue || input.touches.length >= steps);
  if (cadenceDone) {
    plan.expire = true;
    // the status says how the first touch went and stays so: a handoff met on time whose cadence
    // ended without an outcome was still met (SLA compliance counts it), its outcome is the expiry
    if (status === 'pending') status = 'expired';
    change.nextDueAt = null;
    change.closedAt = nowIso;
    change.outcome = 'expired';
    change.outcomeReason = input.expiryReason;
  } else {
    const wakes: number[] = [next < steps ? input.stepDue[next - 1]! : lastDue];
    if (status === 'pending' && handoff.escalatedAt === null && !plan.escalate) wakes.push(input.escalationAt);
    change.nextDueAt = new Date(Math.max(Math.min(...wakes), now)).toISOString();
  }
  if (status !== handoff.status) change.status = status;
  plan.change = change;
  return plan;
}
