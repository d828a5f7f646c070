/**
 * The contact properties Leadstage writes (SPEC.md §4), in their own group so admins see them
 * together and never confuse them with HubSpot's native scores (reference §2: don't fight
 * `hubspotscore` or the Lead Scoring tool). Data, not code: ensureSchema creates what is missing.
 */
import { STAGES } from '../../../src/model/stage';

export const LEADSTAGE_GROUP = { name: 'leadstage', label: 'Leadstage', displayOrder: -1 } as const;

export interface PropertyDefinitionInput {
  name: string;
  label: string;
  description: string;
  type: 'string' | 'number' | 'datetime' | 'enumeration';
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select';
  options?: { label: string; value: string; displayOrder: number }[];
}

const STAGE_LABELS: Record<string, string> = {
  contact: 'Contact', lead: 'Lead', mql: 'MQL', sql: 'SQL', opportunity: 'Opportunity', customer: 'Customer',
  evangelist: 'Evangelist', nurture: 'Nurture', disqualified: 'Disqualified',
};

const options = (values: readonly string[], label: (v: string) => string) =>
  values.map((value, displayOrder) => ({ label: label(value), value, displayOrder }));

export const LEADSTAGE_PROPERTIES: readonly PropertyDefinitionInput[] = [
  { name: 'leadstage_stage', label: 'Leadstage stage', description: 'Stage from the shared rulebook', type: 'enumeration',
    fieldType: 'select', options: options(STAGES, (s) => STAGE_LABELS[s] ?? s) },
  { name: 'leadstage_score', label: 'Leadstage score', description: 'Total score (fit + engagement)', type: 'number', fieldType: 'number' },
  { name: 'leadstage_fit_score', label: 'Leadstage fit score', description: 'Demographic and firmographic fit', type: 'number', fieldType: 'number' },
  { name: 'leadstage_engagement_score', label: 'Leadstage engagement score', description: 'Behaviour, after decay', type: 'number', fieldType: 'number' },
  { name: 'leadstage_fit_grade', label: 'Leadstage fit grade', description: 'Fit grade (A–D or A–F)', type: 'string', fieldType: 'text' },
  { name: 'leadstage_priority', label: 'Leadstage priority', description: 'Hot, warm or cold', type: 'enumeration', fieldType: 'select',
    options: options(['hot', 'warm', 'cold'], (p) => p.charAt(0).toUpperCase() + p.slice(1)) },
  { name: 'leadstage_reasons', label: 'Leadstage reasons', description: 'Why: the top contributions, one per line', type: 'string', fieldType: 'textarea' },
  { name: 'leadstage_rulebook_version', label: 'Leadstage rulebook version', description: 'Rulebook version that decided', type: 'string', fieldType: 'text' },
  { name: 'leadstage_mql_date', label: 'Leadstage date entered MQL', description: 'When the person became an MQL', type: 'datetime', fieldType: 'date' },
  { name: 'leadstage_sql_date', label: 'Leadstage date entered SQL', description: 'When the person became an SQL', type: 'datetime', fieldType: 'date' },
  { name: 'leadstage_sla_due', label: 'Leadstage SLA due', description: 'When the first sales touch is due', type: 'datetime', fieldType: 'date' },
  { name: 'leadstage_sla_status', label: 'Leadstage SLA status', description: 'First-touch SLA status: pending, met, met late, breached', type: 'string', fieldType: 'text' },
  { name: 'leadstage_sla_first_touch', label: 'Leadstage SLA first touch', description: 'When a rep first logged a call, email or meeting', type: 'datetime', fieldType: 'date' },
  { name: 'leadstage_sla_next_step', label: 'Leadstage SLA next step', description: 'The next step of the follow-up cadence, and who owns it', type: 'string', fieldType: 'text' },
  { name: 'leadstage_mql_tier', label: 'Leadstage MQL tier', description: 'MQL tier from the rulebook', type: 'string', fieldType: 'text' },
];
