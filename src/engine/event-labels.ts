import type { AnyEventType } from '../model/event';

/** Plain words for fast-track reasons ("requested a demo"), written to the CRM for the rep. Frozen: shared by every engine. */
export const EVENT_LABELS: Readonly<Record<AnyEventType, string>> = Object.freeze({
  page_view: 'viewed a page',
  site_visit: 'visited the site',
  email_open: 'opened an email',
  email_click: 'clicked an email',
  form_submit: 'submitted a form',
  content_download: 'downloaded content',
  webinar_registered: 'registered for a webinar',
  webinar_attended: 'attended a webinar',
  event_attended: 'attended an event',
  demo_request: 'requested a demo',
  trial_signup: 'signed up for a trial',
  consultation_request: 'requested a consultation',
  quote_request: 'requested a quote',
  contact_sales: 'asked sales to get in touch',
  chat: 'chatted with the team',
  meeting_booked: 'booked a meeting',
  sales_call: 'had a sales call',
  sales_email: 'exchanged email with sales',
  unsubscribe: 'unsubscribed',
  hard_bounce: 'email bounced',
  spam_complaint: 'marked an email as spam',
  sla_expired: 'sales follow-up ended with no outcome',
});
