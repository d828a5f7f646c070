import type { Decision, Reason } from '../model/decision';
import type { SlaSnapshot } from '../model/sla-snapshot';

/**
 * The values of a decision that every CRM writes the same way, by the canonical output field a
 * write mapping names. The stage and the native lead status are each CRM's own (a forward-only
 * lifecycle property, lead status transitions), and so is the number format
 * (`formatNumber`), so connectors handle those and fall back to this for the rest. Undefined means
 * "leave the field alone".
 */
export function decisionValue(field: string, decision: Decision, sla: SlaSnapshot | null, formatNumber: (value: number) => string): string | undefined {
  switch (field) {
    case 'score':
      return formatNumber(decision.score);
    case 'fitScore':
      return formatNumber(decision.fit.score);
    case 'engagementScore':
      return formatNumber(decision.engagement.score);
    case 'fitGrade':
      return decision.fit.grade;
    case 'priority':
      return decision.priority;
    case 'reasons':
      return reasonLines(decision.reasons);
    case 'rulebookVersion':
      return decision.rulebookVersion;
    case 'mqlDate':
      return isoTime(decision.enteredAt.mql);
    case 'sqlDate':
      return isoTime(decision.enteredAt.sql);
    case 'mqlTier':
      return decision.mqlTier ?? undefined;
    // the SLA fields are left alone while the person has no handoff in this system
    case 'slaDue':
      return isoTime(sla?.dueAt);
    case 'slaStatus':
      return sla?.status;
    case 'slaFirstTouch':
      return isoTime(sla?.firstTouchedAt);
    case 'slaNextStep':
      return sla ? (sla.nextStep ?? '') : undefined;
    default:
      return undefined;
  }
}

/** "+40 requested a demo", one per line, points to two decimals. */
/**
 * One reason a line: "+40 requested a demo". A reason with no points (why a person is in nurture or
 * held for handoff) is a plain statement, without "+0".
 */
export function reasonLines(reasons: readonly Reason[]): string {
  return reasons.map(reasonLine).join('\n');
}

function reasonLine(reason: Reason): string {
  if (reason.points === 0) return reason.text;
  return `${reason.points >= 0 ? '+' : ''}${Math.round(reason.points * 100) / 100} ${reason.text}`;
}

/**
 * The reasons as lines, within a CRM field's `limit` characters: whole reasons while they fit, then
 * "…" on a line of its own, so a rep never reads half a reason. A first reason longer than the field
 * is cut at a word, never mid-word (mid-word only if a single word is longer than the field).
 */
export function reasonLinesWithin(reasons: readonly Reason[], limit: number | undefined): string {
  const text = reasonLines(reasons);
  if (limit === undefined || text.length <= limit) return text;
  const ELLIPSIS = '…';
  let kept = '';
  for (const reason of reasons) {
    const line = reasonLine(reason);
    const next = kept ? `${kept}\n${line}` : line;
    if (next.length + 1 + ELLIPSIS.length > limit) break;
    kept = next;
  }
  if (kept) return `${kept}\n${ELLIPSIS}`;
  const first = reasonLine(reasons[0]!).slice(0, Math.max(0, limit - ELLIPSIS.length));
  const wordEnd = first.lastIndexOf(' ');
  return `${(wordEnd > 0 ? first.slice(0, wordEnd) : first).trimEnd()}${ELLIPSIS}`;
}

/** ISO 8601 with milliseconds (how both CRMs read datetimes back), or undefined for none/invalid. */
export function isoTime(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
