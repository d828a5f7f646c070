/**
 * Bulk API 2.0 query jobs, as `conn.bulk2.query(soql)` drives them: create (state UploadComplete),
 * poll until JobComplete (after `delayMs` of real time, or at once), then fetch the CSV results page
 * by page with the `Sforce-Locator` header ("null" on the last page) and `Sforce-NumberOfRecords`.
 *
 * The query runs when the job is created (a snapshot, as Salesforce takes one) and its rows are kept
 * as CSV lines: every value quoted (RFC 4180, quotes doubled), parent fields as `Account.Industry`
 * columns, datetimes in the Bulk API's `2026-11-27T12:00:00.000Z` form, empty for null. At most
 * `maxJobs` jobs are kept (oldest dropped).
 */
import { KEY_PREFIXES, makeId, normalizeId } from './ids';
import type { OrgStore } from './org-store';
import type { SoqlQuery, SoqlResultRecord } from './soql';
import { sfDateTime } from './sf-time';

export type BulkJobState = 'UploadComplete' | 'InProgress' | 'Aborted' | 'JobComplete' | 'Failed';

export const COLUMN_DELIMITERS: Record<string, string> = {
  COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`',
};

export interface BulkJobSettings {
  /** Real-time ms from creation until the job reports JobComplete (0: at once). */
  delayMs: number;
  /** Rows per results page when the request has no maxRecords. */
  defaultPageSize: number;
  maxJobs: number;
}

export interface QueryJob {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  createdById: string;
  createdDate: number;
  apiVersion: number;
  columnDelimiter: string;
  lineEnding: 'LF' | 'CRLF';
  header: string;
  lines: string[];
  createdAtMonotonic: number;
  aborted: boolean;
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '""';
  let text: string;
  if (typeof value === 'string') {
    // stored datetimes (…+0000) are written the Bulk API's way (…Z)
    text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/.test(value) ? `${value.slice(0, 23)}Z` : value;
  } else text = String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/** Column names in the describe's spelling (`Account.Industry`) and how to read them off a result record. */
export function bulkColumns(query: SoqlQuery, store: OrgStore, sobject: string): { names: string[]; paths: string[][] } {
  const names: string[] = [];
  const paths: string[][] = [];
  for (const item of query.select) {
    if (item.kind !== 'field') continue;
    const keys: string[] = [];
    let describe = store.describe(sobject);
    const segments = item.path.segments;
    for (let i = 0; i < segments.length; i++) {
      const text = segments[i]!.text.toLowerCase();
      const last = i === segments.length - 1;
      if (!describe) {
        keys.push(last && text === 'type' ? 'Type' : segments[i]!.text);
        continue;
      }
      if (last) {
        keys.push(describe.fields.find((f) => f.name.toLowerCase() === text)?.name ?? segments[i]!.text);
      } else {
        const reference = describe.fields.find((f) => f.relationshipName?.toLowerCase() === text);
        keys.push(reference?.relationshipName ?? segments[i]!.text);
        const targets = reference?.referenceTo ?? [];
        const nextText = segments[i + 1]?.text.toLowerCase();
        if (targets.length > 1 && nextText === 'type') describe = undefined;
        else describe = targets.map((t) => store.describe(t)).find((d) => d?.fields.some((f) => f.name.toLowerCase() === nextText || f.relationshipName?.toLowerCase() === nextText));
      }
    }
    names.push(keys.join('.'));
    paths.push(keys);
  }
  return { names, paths };
}

export function bulkRestriction(query: SoqlQuery): string | undefined {
  if (query.select.some((item) => item.kind === 'subquery')) return 'Aggregate Relationships not supported in Bulk Query';
  if (query.select.some((item) => item.kind === 'count')) return 'Aggregate queries are not supported by Bulk API 2.0 query jobs';
  if (query.offset !== undefined) return 'OFFSET is not supported by Bulk API 2.0 query jobs';
  return undefined;
}

function read(record: SoqlResultRecord, path: string[]): unknown {
  let current: unknown = record;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[key];
  }
  return current ?? null;
}

export class BulkQueryJobs {
  private readonly jobs = new Map<string, QueryJob>();
  private sequence = 0;

  constructor(
    public settings: BulkJobSettings,
    private readonly monotonic: () => number,
  ) {}

  create(input: {
    operation: 'query' | 'queryAll';
    object: string;
    createdById: string;
    now: number;
    apiVersion: number;
    columnDelimiter: string;
    lineEnding: 'LF' | 'CRLF';
    columns: { names: string[]; paths: string[][] };
    records: SoqlResultRecord[];
  }): QueryJob {
    const delimiter = COLUMN_DELIMITERS[input.columnDelimiter] ?? ',';
    const job: QueryJob = {
      id: makeId(KEY_PREFIXES.BulkQueryJob, this.sequence++),
      operation: input.operation,
      object: input.object,
      createdById: input.createdById,
      createdDate: input.now,
      apiVersion: input.apiVersion,
      columnDelimiter: input.columnDelimiter,
      lineEnding: input.lineEnding,
      header: input.columns.names.map(csvValue).join(delimiter),
      lines: input.records.map((record) => input.columns.paths.map((path) => csvValue(read(record, path))).join(delimiter)),
      createdAtMonotonic: this.monotonic(),
      aborted: false,
    };
    this.jobs.set(job.id, job);
    while (this.jobs.size > this.settings.maxJobs) this.jobs.delete(this.jobs.keys().next().value!);
    return job;
  }

  get(id: string): QueryJob | undefined {
    const normalized = normalizeId(id);
    return normalized ? this.jobs.get(normalized) : undefined;
  }

  delete(id: string): boolean {
    const job = this.get(id);
    return job ? this.jobs.delete(job.id) : false;
  }

  list(): QueryJob[] {
    return [...this.jobs.values()];
  }

  state(job: QueryJob): BulkJobState {
    if (job.aborted) return 'Aborted';
    const elapsed = this.monotonic() - job.createdAtMonotonic;
    if (elapsed >= this.settings.delayMs) return 'JobComplete';
    return elapsed < this.settings.delayMs / 2 ? 'UploadComplete' : 'InProgress';
  }

  /** The job as `GET /jobs/query/<id>` describes it. */
  info(job: QueryJob, options: { full: boolean }): Record<string, unknown> {
    const state = this.state(job);
    const base: Record<string, unknown> = {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.createdById,
      createdDate: sfDateTime(job.createdDate),
      systemModstamp: sfDateTime(job.createdDate),
      state: options.full ? state : 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion,
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
    };
    if (!options.full) return base;
    return {
      ...base,
      jobType: 'V2Query',
      numberRecordsProcessed: state === 'JobComplete' ? job.lines.length : 0,
      retries: 0,
      totalProcessingTime: state === 'JobComplete' ? Math.max(1, Math.round(job.lines.length / 50)) : 0,
      isPkChunkingSupported: ['Account', 'Contact', 'Lead', 'Opportunity', 'Task', 'Campaign', 'CampaignMember'].includes(job.object),
    };
  }

  /** One results page: CSV text, the next locator ("null" when done) and the row count. */
  page(job: QueryJob, offset: number, maxRecords: number): { csv: string; locator: string; count: number } {
    const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
    const rows = job.lines.slice(offset, offset + maxRecords);
    const end = offset + rows.length;
    const locator = end < job.lines.length ? Buffer.from(String(end)).toString('base64').replace(/=+$/, '') : 'null';
    return { csv: [job.header, ...rows].join(eol) + eol, locator, count: rows.length };
  }

  /** The offset a `locator` query parameter names (base64 of the row offset), or undefined when invalid. */
  static offsetOf(locator: string | undefined): number | undefined {
    if (locator === undefined || locator === '') return 0;
    const text = Buffer.from(locator, 'base64').toString('utf8');
    return /^\d+$/.test(text) ? Number(text) : undefined;
  }
}

