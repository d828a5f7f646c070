/** Public surface of the Salesforce sandbox. */
export {
  startSalesforceSandbox, createSandboxApp, integrationUserCredentials, MAX_URI_BYTES, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ACCESS_TOKEN_TTL_MS, SANDBOX_API_VERSION,
  DEFAULT_CODE_TTL_MS, DEFAULT_APP_NAME, type SalesforceSandbox, type SalesforceSandboxOptions,
} from './server';
export { DEFAULT_CALLBACK_URLS, DEFAULT_APP_SCOPES, type TokenResponse as SalesforceTokenResponse } from './auth';
export {
  describeSeed, showcasePlan, SHOWCASE_KINDS, LEAD_SHOWCASE_KINDS, CONTACT_SHOWCASE_KINDS, DEFAULT_SEED, DEFAULT_LEADS, DEFAULT_CONTACTS,
  DEFAULT_NOW, type SeedDescription, type SeedOptions, type ShowcaseKind, type ShowcaseRecord,
} from './seed-showcase';
export { seedOrg, type SeedCounts } from './seed';
export type { SharedRecord } from './seed-shared';
// the HubSpot portal's SeedPortal is a PeopleSource: `sharedFromHubSpot(portal.store.seed, { count })`
export { sharePeople as sharedFromHubSpot, type PeopleSource, type SharedPeople, type SharedPerson } from '../kit/shared-people';
export {
  ORG_ID, ORG_NAME, USERS, QUEUES, INBOUND_QUEUE, ENTERPRISE_QUEUE, NURTURE_QUEUE, INTEGRATION_USER, SALES_MANAGER, CAMPAIGNS, COMPETITORS,
  SF_TARGET_INDUSTRIES, SF_NON_TARGET_INDUSTRIES, REPS, ROLES,
} from './seed-catalog';
export {
  INDUSTRIES, LEAD_STATUSES, LEAD_SOURCES, RATINGS, OPPORTUNITY_STAGES, CAMPAIGN_MEMBER_STATUSES, TASK_STATUSES, COUNTRY_CODES,
  standardObjects, type FieldDef, type ObjectDef,
} from './object-catalog';
export { LEADSTAGE_FIELDS, type CustomFieldSpec } from './custom-fields';
export { KEY_PREFIXES, makeId, normalizeId, checksum } from './ids';
export { OrgStore, type Row } from './org-store';
export { NO_FAULTS, type FaultSettings } from './faults';
export { DEFAULT_API_LIMITS, type ApiLimitOptions } from './api-limits';
export type { StatsSnapshot } from './stats';
export type { SaveResult } from './errors';
export { TOTAL_REQUESTS_EXCEEDED, INVALID_SESSION } from './errors';
export { COLLECTION_LIMIT_MESSAGE, MAX_COLLECTION_RECORDS } from './routes/composite';
export { batchSizeOf, DEFAULT_BATCH_SIZE } from './routes/query';
export { sfDateTime, sfDate, sfStamp } from './sf-time';
export type { PicklistSpec, RuleCondition, ValidationRuleSpec } from './org-rules';
