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
}
