import { z } from 'zod';

/** Engagement event types every connector maps its activity into (README: interchange format). */
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
  // recorded by the sla job when a handoff's cadence ends with no outcome; the rulebook's
  // sla.on_expiry decides where the person goes (SPEC.md §3.10)
  'sla_expired',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

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
  type: z.enum(EVENT_TYPES),
  occurredAt: isoDateTime,
  /** Which system the event came from: the provider id of its connector (connectors/registry.ts). */
  source: z.string().min(1).default('unknown'),
  properties: EventPropertiesSchema.default({}),
});

export type EngagementEvent = z.infer<typeof EventSchema>;
export type EventProperties = z.infer<typeof EventPropertiesSchema>;
