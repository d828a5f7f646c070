/**
 * The shape of a HubSpot field mapping (config/mappings/hubspot.default.yaml and the per-installation
 * rows in the store). It is the store's FieldMapping plus three optional HubSpot details the store
 * table has no columns for; an installation's row inherits them from the default it replaces.
 */
import { z } from 'zod';
import type { FieldMapping } from '../../../src/connector/field-mapping';

export const HubSpotFieldMappingSchema = z.strictObject({
  objectType: z.string().min(1).default('contact'),
  canonicalField: z.string().min(1),
  crmProperty: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a HubSpot internal property name such as "jobtitle"'),
  direction: z.enum(['read', 'write', 'both']),
  writePolicy: z.enum(['always', 'if_empty', 'never']),
  /** Read side: the associated company's property used when the contact's own is empty. */
  companyProperty: z.string().min(1).optional(),
  /** lifecyclestage: may Leadstage move it backwards (clear, then set in a later request)? */
  allowBackward: z.boolean().optional(),
  /** lifecyclestage (or another enumeration): Leadstage stage → the CRM option value to write. */
  values: z.record(z.string(), z.string()).optional(),
});

export const HubSpotMappingFileSchema = z.strictObject({
  mappings: z.array(HubSpotFieldMappingSchema).min(1),
});

export type HubSpotFieldMapping = FieldMapping & {
  companyProperty?: string | undefined;
  allowBackward?: boolean | undefined;
  values?: Record<string, string> | undefined;
};
