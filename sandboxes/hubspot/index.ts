/** Public surface of the HubSpot sandbox. */
export {
  startHubSpotSandbox, createSandboxApp, DEFAULT_TOKEN, DEFAULT_PRIVATE_APP_ID, type HubSpotSandbox, type HubSpotSandboxOptions,
} from './server';
export {
  DEFAULT_APP, PORTAL_USERS, PORTAL_NAME, HubSpotOAuth, type HubSpotAppOptions, type TokenResponse, type OAuthCounters,
} from './oauth';
export {
  DEFAULT_WEBHOOK_SETTINGS, SUBSCRIPTION_TYPES, WebhookDispatcher, type WebhookSettings, type WebhookSubscriptionInput,
  type WebhookEvent, type WebhookStats, type DeliveryRecord, type SubscriptionType,
} from './webhooks';
export type { ContactChangeRequest, ContactChangeResult } from './contact-changes';
export { FormSubmissionRejected, type FormSubmissionRequest, type FormSubmissionResult } from './form-submissions';
export {
  describeSeed, SeedPortal, DEFAULT_SEED, DEFAULT_CONTACTS, DEFAULT_NOW, ID_BASE, SHOWCASE_KINDS, contactId,
  type SeedDescription, type ShowcaseKind, type SeedOptions,
} from './seed';
export {
  COMPETITOR_DOMAINS, FORM_IDS, FORMS, PAGES, OWNERS, TARGET_INDUSTRIES, NON_TARGET_INDUSTRIES, PERSONAL_EMAIL_DOMAINS,
  STUDENT_EMAIL_DOMAINS, PERSONA_TITLES, EMAIL_CAMPAIGNS, SITE_URL, PORTAL_ID,
} from './seed-catalog';
export {
  DEFAULT_RATE_LIMIT, PORTAL_TIERS, RATE_LIMIT_MESSAGES, privateAppLimits, type PortalTier, type RateLimitOptions, type RatePolicy,
} from './rate-limit';
export { NO_FAULTS, type FaultSettings } from './faults';
export type { StatsSnapshot, RequestStatsSnapshot } from './stats';
export { SEARCH_LIMITS } from './search-filter';
export { LIFECYCLE_STAGES, LEAD_STATUSES } from './property-catalog';
export { PAGE_VIEW_EVENT_TYPE } from './routes/web-events';
export { TASK_TO_CONTACT_TYPE_ID } from './routes/tasks';
