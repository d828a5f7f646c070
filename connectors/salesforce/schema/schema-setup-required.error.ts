/**
 * What an admin must do when Leadstage could not set up its fields itself: the exact Setup steps per
 * missing field (`setupSteps`), and the installation problems ensureSchema reports (fields it could
 * not create; fields the connected user may not edit, with the permission set steps). The sync goes
 * on without them. `SalesforceSchemaSetupRequired` carries the same checklist as a non-retryable
 * error, for a caller that must stop (ensureSchema itself no longer throws it).
 */
import type { InstallationProblem } from '../../../src/connector/crm-connector';
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

/** Object Manager's name for an object's field list (Setup → Permission Sets → Object Settings). */
const OBJECT_SETTINGS: Record<string, string> = { Lead: 'Leads', Contact: 'Contacts', Task: 'Tasks' };

/** Fields Leadstage could not create: one problem listing them with the exact Setup steps for each. */
export function fieldsMissingProblem(installationId: string, missing: readonly MissingField[]): InstallationProblem {
  const names = missing.map((m) => `${m.definedOn}.${m.field.name}`);
  return {
    key: 'schema:fields-missing',
    code: 'FIELDS_MISSING',
    message: `${missing.length} Leadstage field${missing.length === 1 ? '' : 's'} could not be created in Salesforce (${[...new Set(missing.map((m) => m.reason))].join('; ')}): ` +
      `${names.join(', ')}. Leadstage writes the fields that exist and skips these until they do.`,
    fix: setupSteps(installationId, missing),
    details: { fields: names, reasons: missing.map((m) => ({ field: `${m.definedOn}.${m.field.name}`, reason: m.reason })) },
  };
}

/**
 * Fields that exist but the connected user cannot see or edit, after Leadstage tried to grant
 * access itself: the steps to make the permission set by hand (or to let Leadstage make it).
 */
export function fieldAccessProblem(
  fields: readonly { sobject: string; field: string }[],
  refused: { step: string; reason: string } | null,
  permissionSet: { name: string; label: string },
): InstallationProblem {
  const names = fields.map((f) => `${f.sobject}.${f.field}`);
  const bySobject = new Map<string, string[]>();
  for (const f of fields) bySobject.set(f.sobject, [...(bySobject.get(f.sobject) ?? []), f.field]);
  const grants = [...bySobject].map(([sobject, list]) => `${OBJECT_SETTINGS[sobject] ?? sobject} (${list.join(', ')})`);
  const why = refused ? `Leadstage could not grant access itself (${refused.step}: ${refused.reason}).` : 'Leadstage granted access, yet Salesforce still hides them from the connected user.';
  return {
    key: 'schema:field-access',
    code: 'FIELD_ACCESS_MISSING',
    message: `${fields.length} Leadstage field${fields.length === 1 ? '' : 's'} exist in Salesforce but the connected user cannot edit them (field-level security): ${names.join(', ')}. ` +
      `${why} Leadstage writes the fields it can edit and skips these.`,
    fix: [
      'A Salesforce admin can grant them:',
      `  1. Setup → Permission Sets → New: Label "${permissionSet.label}", API Name "${permissionSet.name}", License "--None--" → Save (or open it if it exists).`,
      `  2. Object Settings → for each object → Edit → Field Permissions: tick Read Access and Edit Access for ${grants.join('; ')} → Save.`,
      '  3. Manage Assignments → Add Assignment → the Salesforce user Leadstage is connected as → Next → Assign.',
      'Or give that user the permissions "Manage Profiles and Permission Sets" and "Assign Permission Sets" (and "View Setup and Configuration"); Leadstage then makes the permission set itself the next time it sets up.',
    ].join('\n'),
    details: { fields: names, ...(refused ? { refused } : {}) },
  };
}
