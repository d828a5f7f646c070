/**
 * What a record shows of its SLA (SPEC.md §4): the status, when the first touch is due, when it
 * happened, and what comes next. The sla job keeps it; each connector writes it to its own fields.
 */
export type SlaRecordStatus = 'pending' | 'met' | 'met late' | 'breached' | 'expired' | 'closed' | 'held';

export interface SlaSnapshot {
  status: SlaRecordStatus;
  /** ISO: when the first touch is due. */
  dueAt: string;
  /** ISO: the first rep-logged touch, or null. */
  firstTouchedAt: string | null;
  /** Plain words: the next cadence step and when ("Follow-up email by 2026-11-28 09:00 UTC"), a note when nobody owns it, or null. */
  nextStep: string | null;
}
