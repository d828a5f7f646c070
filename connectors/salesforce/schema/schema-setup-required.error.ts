/**
 * Leadstage could not create its fields itself (the connected user may not customise the org, or the
 * org refused a field): the message is the admin's checklist, one step per missing field, so nothing
 * is silently dropped. Not retryable: the job fails with this message until an admin acts.
 */
import { customFieldMetadata, type LeadstageField } from './leadstage-fields.constant';

export interface MissingField {
  /** Where it is defined: Lead, Contact, or Activity (Task fields). */
  definedOn: string;
  field: LeadstageField;
  /** Salesforce's refusal (errorCode: message), or why it is unusable (no field-level security). */
  reason: string;
  /** The field exists but the connected user cannot see or edit it. */
  needsFieldSecurity?: boolean;
}

export class SalesforceSchemaSetupRequired extends Error {
  override readonly name = 'SalesforceSchemaSetupRequired';
  readonly code = 'SCHEMA_SETUP_REQUIRED';
  readonly retryable = false;

  constructor(readonly installationId: string, readonly missing: readonly MissingField[]) {
    super(setupSteps(installationId, missing));
  }
}

function typeStep(field: LeadstageField): string {
  const apiName = field.name.replace(/__c$/, '');
  switch (field.type) {
    case 'Text':
      return `Data Type "Text", Field Label "${field.label}", Length ${field.length}, Field Name "${apiName}"` +
        `${field.unique ? ', tick "Unique" (case sensitive)' : ''}${field.externalId ? ', tick "External ID"' : ''}`;
    case 'Number':
      return `Data Type "Number", Field Label "${field.label}", Length ${(field.precision ?? 18) - (field.scale ?? 0)}, Decimal Places ${field.scale ?? 0}, Field Name "${apiName}"`;
    case 'LongTextArea':
      return `Data Type "Text Area (Long)", Field Label "${field.label}", Length ${field.length}, # Visible Lines ${field.visibleLines ?? 10}, Field Name "${apiName}"`;
    case 'DateTime':
      return `Data Type "Date/Time", Field Label "${field.label}", Field Name "${apiName}"`;
  }
}

export function setupSteps(installationId: string, missing: readonly MissingField[]): string {
  const lines = [
    `Salesforce installation ${installationId} needs ${missing.length} Leadstage field${missing.length === 1 ? '' : 's'} that Leadstage could not set up itself. ` +
      'A Salesforce admin can add them, then run the sync again:',
  ];
  let step = 0;
  for (const m of missing) {
    step += 1;
    const where = `Setup → Object Manager → ${m.definedOn} → Fields & Relationships`;
    if (m.needsFieldSecurity) {
      lines.push(`  ${step}. ${m.definedOn}.${m.field.name}: ${where} → "${m.field.label}" → Set Field-Level Security → Visible (not Read-Only) for the profile or permission set of the connected Salesforce user. (${m.reason})`);
    } else {
      lines.push(`  ${step}. ${m.definedOn}.${m.field.name}: ${where} → New → ${typeStep(m.field)} (API name ${m.field.name}); ` +
        `grant Visible field-level security to the connected user's profile. (Salesforce said: ${m.reason})`);
    }
  }
  lines.push('The exact definitions (Tooling API CustomField metadata): ' +
    JSON.stringify(missing.filter((m) => !m.needsFieldSecurity).map((m) => ({ FullName: `${m.definedOn}.${m.field.name}`, Metadata: customFieldMetadata(m.field) }))));
  return lines.join('\n');
}
