/**
 * What a form submission means, from the form's name: HubSpot forms carry no "intent" field, so
 * the connector reads it the way an admin names forms. First match wins; word boundaries keep
 * "Industrial …" from reading as a trial. Gated content and webinars come first because their names
 * quote a title ("Webinar: live product demo" is a registration, not a demo request).
 */
import type { ContentStage, EventType } from '../../../src/model/event';

export const FORM_INTENTS: readonly { pattern: RegExp; type: EventType }[] = [
  { pattern: /^\s*(content download|download|gated)\b/i, type: 'content_download' },
  { pattern: /\bwebinar\b/i, type: 'webinar_registered' },
  { pattern: /\bdemo\b/i, type: 'demo_request' },
  { pattern: /\b(free )?trial\b/i, type: 'trial_signup' },
  { pattern: /\b(quote|pricing request)\b/i, type: 'quote_request' },
  { pattern: /\bconsult(ation)?\b/i, type: 'consultation_request' },
  { pattern: /\b(contact|talk to) sales\b/i, type: 'contact_sales' },
  { pattern: /\b(e-?book|white ?paper|guide|checklist|report|toolkit|template)\b/i, type: 'content_download' },
];

/**
 * Funnel stage of a gated asset from its title ("content that gets more advanced", SPEC.md §3.5).
 * HubSpot's form API has no such field, so this is a keyword reading; no match leaves it unset.
 */
export const CONTENT_STAGE_KEYWORDS: readonly { pattern: RegExp; stage: ContentStage }[] = [
  { pattern: /\b(business case|checklist|evaluat\w*|vendor|buyer'?s guide|pricing|roi|rfp|implementation)\b/i, stage: 'decision' },
  { pattern: /\b(vs\.?|versus|compar\w*|case stud\w*|how to choose|white ?paper)\b/i, stage: 'consideration' },
  { pattern: /\b(signs|what is|introduction|101|basics|e-?book|trends)\b/i, stage: 'awareness' },
];

/** Form fields that mean "I want sales to contact me" (a checkbox on many forms). */
export const CONTACT_ME_FIELD = /^(contact[_\s-]?me|sales[_\s-]?contact|request[_\s-]?contact|contact[_\s-]?sales[_\s-]?opt[_\s-]?in)$/i;
export const TRUTHY = /^(true|yes|on|checked|1)$/i;

export function formEventType(formName: string): EventType {
  return FORM_INTENTS.find((intent) => intent.pattern.test(formName))?.type ?? 'form_submit';
}

export function contentStageOf(title: string): ContentStage | undefined {
  return CONTENT_STAGE_KEYWORDS.find((k) => k.pattern.test(title))?.stage;
}

/** "Content Download: Vibration Monitoring vs. Oil Analysis" → "Vibration Monitoring vs. Oil Analysis". */
export function assetTitleOf(formName: string): string {
  const match = /^\s*(?:content download|download|gated content)\s*[:\-–]\s*(.+)$/i.exec(formName);
  return (match?.[1] ?? formName).trim();
}
