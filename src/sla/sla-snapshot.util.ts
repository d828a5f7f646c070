import type { SlaRecordStatus, SlaSnapshot } from '../model/sla-snapshot';
import type { Rulebook } from '../rulebook/schema';
import type { SlaHandoff, SlaStatus } from '../store';

const LABELS: Record<SlaStatus, SlaRecordStatus> = {
  pending: 'pending',
  met: 'met',
  met_late: 'met late',
  breached: 'breached',
  expired: 'expired',
  closed: 'closed',
};

/** "2026-11-27 09:30 UTC": minutes are what a rep plans by. */
function shortTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A handoff as its record shows it (SPEC.md §4). The next step names the cadence step to come and
 * when it is due; an unassigned handoff says so there, so nobody takes silence for ownership.
 */
export function slaSnapshotOf(handoff: SlaHandoff, rulebook: Rulebook, stepDueIso: (step: number) => string): SlaSnapshot {
  const unassigned = handoff.ownerId === null ? (handoff.note ?? 'unassigned') : null;
  if (handoff.kind === 'held') {
    return { status: handoff.closedAt ? 'closed' : 'held', dueAt: handoff.firstTouchDueAt, firstTouchedAt: null, nextStep: handoff.closedAt ? null : handoff.note };
  }
  const cadence = rulebook.sla.cadence;
  let nextStep: string | null = null;
  if (handoff.closedAt === null && handoff.nextStep < cadence.length) {
    nextStep = `${cadence[handoff.nextStep]!.subject} (${cadence[handoff.nextStep]!.channel}) by ${shortTime(stepDueIso(handoff.nextStep))}`;
  } else if (handoff.closedAt !== null && handoff.outcome !== null) {
    // the status keeps how the first touch went; what ended the follow-up is said here
    nextStep = `none: ${handoff.outcome === 'expired' ? (handoff.outcomeReason ?? 'the cadence ended') : `closed (${handoff.outcome})`}`.slice(0, 255);
  }
  const text = [nextStep, unassigned].filter((part): part is string => part !== null).join('; ');
  return { status: LABELS[handoff.status], dueAt: handoff.firstTouchDueAt, firstTouchedAt: handoff.firstTouchedAt, nextStep: text || null };
}
