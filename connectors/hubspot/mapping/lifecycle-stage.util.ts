/**
 * HubSpot's default lifecyclestage values and Leadstage's stage names. Reading: a default value
 * becomes the stage it means; anything else (`other`, a custom stage's numeric id) is kept as is,
 * because Person.crmStage carries "a Leadstage stage name where it maps to one".
 */
import type { Stage } from '../../../src/model/stage';

const TO_CANONICAL: Record<string, Stage> = {
  subscriber: 'contact',
  lead: 'lead',
  marketingqualifiedlead: 'mql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  customer: 'customer',
  evangelist: 'evangelist',
};

export function canonicalCrmStage(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const text = value.trim();
  return TO_CANONICAL[text.toLowerCase()] ?? text;
}

/**
 * Stages Leadstage may put into lifecyclestage. Opportunity, customer and evangelist come from deals
 * and HubSpot owns them; nurture and disqualified are detours with no lifecycle equivalent.
 */
export const WRITABLE_LIFECYCLE_STAGES: ReadonlySet<Stage> = new Set<Stage>(['contact', 'lead', 'mql', 'sql']);
