/**
 * CONTRACT between the Salesforce connector's transport (salesforce-api.ts, on jsforce: auth, token
 * refresh, limiter, limit tracking, error mapping) and the modules that use it (streams, writers,
 * schema). Streams and writers depend on this interface only, so their unit tests can fake it.
 */

/** A record as the REST API returns it: `attributes` plus fields by API name; parents as nested objects. */
export type SfRecord = { attributes?: { type: string; url?: string } } & Record<string, unknown>;

export interface SfQueryPage<T extends SfRecord = SfRecord> {
  records: T[];
  totalSize: number;
  done: boolean;
  /** `/services/data/vXX.X/query/<locator>` while more records remain. */
  nextRecordsUrl?: string;
}

export interface SfQueryOptions {
  /** `queryAll`: includes deleted and merged records (IsDeleted, MasterRecordId). */
  includeDeleted?: boolean;
  /** Records per page (Sforce-Query-Options batchSize, 200..2000; default 2000). */
  batchSize?: number;
}

/** One record's outcome in an sObject Collections call (`allOrNone: false`), in input order. */
export interface SfSaveResult {
  id: string | null;
  success: boolean;
  errors: { statusCode: string; message: string; fields?: string[] }[];
}

export type SfBulkJobState = 'UploadComplete' | 'InProgress' | 'Aborted' | 'JobComplete' | 'Failed';

export interface SfFieldDescribe {
  name: string;
  type: string;
  label: string;
  updateable: boolean;
  createable: boolean;
  custom: boolean;
  length?: number;
  externalId?: boolean;
  unique?: boolean;
  picklistValues?: { value: string; active: boolean; defaultValue?: boolean }[];
}

export interface SfDescribe {
  name: string;
  fields: SfFieldDescribe[];
}

/** Daily API request budget as Salesforce last reported it (`/limits` or `Sforce-Limit-Info`). */
export interface SfApiUsage {
  used: number;
  max: number;
  /** Sandbox/real clock time of the reading (ms). */
  at: number;
}

export interface SalesforceApi {
  /** API version in use, e.g. "62.0" (set explicitly, never jsforce's default). */
  readonly version: string;
  query<T extends SfRecord = SfRecord>(soql: string, options?: SfQueryOptions): Promise<SfQueryPage<T>>;
  queryMore<T extends SfRecord = SfRecord>(nextRecordsUrl: string, options?: Pick<SfQueryOptions, 'batchSize'>): Promise<SfQueryPage<T>>;
  /** Bulk API 2.0 query job (first loads above the configured size). */
  bulkQueryStart(soql: string, options?: { includeDeleted?: boolean }): Promise<{ jobId: string }>;
  bulkQueryState(jobId: string): Promise<{ state: SfBulkJobState; numberRecordsProcessed: number; errorMessage?: string }>;
  /** One page of a finished job's results; `locator` null on the first call, returns null when done. Values are strings (CSV). */
  bulkQueryResults(jobId: string, locator: string | null, maxRecords: number): Promise<{ records: Record<string, string>[]; locator: string | null }>;
  describe(sobject: string): Promise<SfDescribe>;
  /** sObject Collections: at most 200 records per call (the caller batches), `allOrNone: false`. */
  updateRecords(records: readonly SfRecordWrite[], options?: { autoAssign?: boolean }): Promise<SfSaveResult[]>;
  createRecords(records: readonly SfRecordWrite[]): Promise<SfSaveResult[]>;
  /** `GET /limits` (DailyApiRequests etc.); also refreshes the tracked usage. */
  limits(): Promise<Record<string, { Max: number; Remaining: number }>>;
  /** Latest daily usage seen (from `/limits` or any response's Sforce-Limit-Info), or null before the first call. */
  apiUsage(): SfApiUsage | null;
  /** Tooling API: creates a custom field (`Lead.Leadstage_Stage__c`) with its metadata. */
  createCustomField(fullName: string, metadata: Record<string, unknown>): Promise<void>;
  /** The connected (integration) user's id, 005… (`GET /services/oauth2/userinfo`), read once per connection. */
  currentUserId(): Promise<string>;
}

/** A record to create or update: `type` is the sObject, `fields` by API name (id required for updates). */
export interface SfRecordWrite {
  type: string;
  id?: string;
  fields: Record<string, string | number | boolean | null>;
}
