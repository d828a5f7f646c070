import { z } from 'zod';

const nullableString = z.string().nullable().optional();
const nullableNumber = z.number().finite().nullable().optional();
const bantAnswer = z.boolean().nullable().optional();

/** ISO 3166-1 alpha-2, upper case ("US"), as every connector must normalise it. */
const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as "US"')
  .nullable()
  .optional();

export const BantSchema = z.object({
  budget: bantAnswer,
  authority: bantAnswer,
  need: bantAnswer,
  timing: bantAnswer,
});

export const DealsSchema = z.object({
  open: z.number().int().min(0).default(0),
  won: z.number().int().min(0).default(0),
  /** The sum of the won deals' amounts, in the CRM's currency, where the connector reads it (ROI). */
  wonAmount: z.number().finite().min(0).optional(),
});

/** The canonical person every connector produces and the engine consumes (README: interchange format). */
export const PersonSchema = z.object({
  id: z.string().min(1),
  email: nullableString,
  firstName: nullableString,
  lastName: nullableString,
  title: nullableString,
  company: nullableString,
  employees: nullableNumber,
  annualRevenue: nullableNumber,
  industry: nullableString,
  country: countryCode,
  ipCountry: countryCode,
  phone: nullableString,
  ownerId: nullableString,
  leadStatus: nullableString,
  bant: BantSchema.optional(),
  /** The CRM's own lifecycle value, normalised to a Leadstage stage name where it maps to one. */
  crmStage: nullableString,
  deals: DealsSchema.optional(),
  /** Where the person came from (the CRM's original source, e.g. "Paid search"): cost and ROI by source. */
  source: nullableString,
  /** The campaign that brought them, where the CRM records one: cost and ROI by campaign. */
  campaign: nullableString,
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export type Person = z.infer<typeof PersonSchema>;
export type Bant = z.infer<typeof BantSchema>;
