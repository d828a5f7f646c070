import { z } from 'zod';

/**
 * Engagement event types every connector maps its activity into (README: interchange format): what
 * a source system may bring, and what a rulebook may score.
 */
export const EVENT_TYPES = [
  'page_view',
  'site_visit',
  'email_open',
  'email_click',
  'form_submit',
  'content_download',
  'webinar_registered',
  'webinar_attended',
  'event_attended',
  'demo_request',
  'trial_signup',
  'consultation_request',
  'quote_request',
  'contact_sales',
  'chat',
  'meeting_booked',
  'sales_call',
  'sales_email',
  'unsubscribe',
  'hard_bounce',
  'spam_complaint',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Events Leadstage records itself, never brought by a CRM and never scored (the rulebook's event
 * matches accept EVENT_TYPES only): `sla_expired` marks the end of an SLA cadence with no outcome,
 * which sends an SQL to the rulebook's `sla.on_expiry` stage.
 */
export const INTERNAL_EVENT_TYPES = ['sla_expired'] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];

/** Every type a stored event may have: a source's, or one Leadstage recorded. */
export const ALL_EVENT_TYPES = [...EVENT_TYPES, ...INTERNAL_EVENT_TYPES] as const;
export type AnyEventType = (typeof ALL_EVENT_TYPES)[number];

export const CONTENT_STAGES = ['awareness', 'consideration', 'decision'] as const;
export type ContentStage = (typeof CONTENT_STAGES)[number];

const isoDateTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: 'expected an ISO 8601 date-time',
});

/** Well-known properties are typed; anything else a connector brings is kept as a string/number/boolean. */
export const EventPropertiesSchema = z
  .object({
    url: z.string().optional(),
    formId: z.string().optional(),
    formName: z.string().optional(),
    assetId: z.string().optional(),
    assetTitle: z.string().optional(),
    contentStage: z.enum(CONTENT_STAGES).optional(),
    campaignId: z.string().optional(),
    webinarId: z.string().optional(),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const EventSchema = z.object({
  /** Stable id from the source system, used to de-duplicate re-delivered events. */
  id: z.string().min(1),
  type: z.enum(ALL_EVENT_TYPES),
  occurredAt: isoDateTime,
  /** Which system the event came from: the provider id of its connector (connectors/registry.ts). */
  source: z.string().min(1).default('unknown'),
  properties: EventPropertiesSchema.default({}),
});

export type EngagementEvent = z.infer<typeof EventSchema>;
export type EventProperties = z.infer<typeof EventPropertiesSchema>;
