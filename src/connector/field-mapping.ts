/**
 * An admin's field mapping, as the store keeps it and every connector reads it: which CRM property
 * carries which canonical field, in which direction, under which write policy. It belongs to the
 * connector contract (not the store) so that a connector never imports the store.
 */
export type MappingDirection = 'read' | 'write' | 'both';
export type WritePolicy = 'always' | 'if_empty' | 'never';

export interface FieldMapping {
  /** contact, lead, … : the CRM object the property lives on. */
  objectType: string;
  /** A canonical Person field (`title`, `employees`) or a Leadstage output (`stage`, `score`). */
  canonicalField: string;
  crmProperty: string;
  direction: MappingDirection;
  writePolicy: WritePolicy;
  /** Optional value map: a written Leadstage value → the CRM's option, or a read CRM option → the canonical value. */
  values?: Record<string, string> | undefined;
  /** Optional, for a system whose native lifecycle only moves forward: may a write move it back. */
  allowBackward?: boolean | undefined;
  /** Optional, read side: the associated company's property used when the person's own is empty. */
  companyProperty?: string | undefined;
}
