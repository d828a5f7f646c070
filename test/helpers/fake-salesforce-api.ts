/**
 * An in-memory SalesforceApi for the stream unit tests. It answers the query shapes the streams send
 * (keyset on SystemModstamp/Id with an upper bound, `<field> IN (...)`, `SELECT COUNT()`, `WhoId != null`)
 * by evaluating those conditions on its tables, pages by batchSize with queryMore locators it can
 * expire, serves describe() from field lists, and runs Bulk API 2.0 jobs whose states a test scripts.
 * Every SOQL text is logged so tests can assert what was sent.
 */
import type {
  SalesforceApi,
  SfBulkJobState,
  SfDescribe,
  SfQueryOptions,
  SfQueryPage,
  SfRecord,
} from '../../connectors/salesforce/salesforce-api.types';

export class FakeSalesforceError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeBulkJob {
  soql: string;
  includeDeleted: boolean;
  /** States bulkQueryState answers in turn; the last repeats. */
  states: SfBulkJobState[];
  /** CSV rows (strings) served by bulkQueryResults. */
  rows: Record<string, string>[];
  polls: number;
}

function stamp(value: unknown): number {
  return Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function get(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export class FakeSalesforceApi implements SalesforceApi {
  readonly version = '62.0';
  readonly tables: Record<string, SfRecord[]> = {};
  readonly fields: Record<string, string[]> = {};
  readonly types: Record<string, Record<string, string>> = {};
  readonly soql: string[] = [];
  readonly calls: string[] = [];
  readonly bulkJobs = new Map<string, FakeBulkJob>();
  /** Scripted bulk job states for the next bulkQueryStart. */
  nextBulkStates: SfBulkJobState[] = ['JobComplete'];
  private readonly locators = new Map<string, { rest: SfRecord[]; batchSize: number; totalSize: number }>();
  private locatorSeq = 0;

  table(sobject: string, records: SfRecord[], fields?: string[], types: Record<string, string> = {}): this {
    this.tables[sobject] = records;
    this.fields[sobject] = fields ?? [...new Set(records.flatMap((r) => Object.keys(r).filter((k) => k !== 'attributes' && (typeof r[k] !== 'object' || r[k] === null))))];
    this.types[sobject] = types;
    return this;
  }

  /** queryMore locators stop working (Salesforce: INVALID_QUERY_LOCATOR after ~15 minutes). */
  expireLocators(): void {
    this.locators.clear();
  }

  async describe(sobject: string): Promise<SfDescribe> {
    this.calls.push(`describe ${sobject}`);
    const names = this.fields[sobject];
    if (!names) throw new FakeSalesforceError('NOT_FOUND', `no sObject ${sobject}`);
    return {
      name: sobject,
      fields: names.map((name) => ({
        name, type: this.types[sobject]?.[name] ?? (name === 'Id' || name.endsWith('Id') ? 'id' : 'string'), label: name,
        updateable: true, createable: true, custom: name.endsWith('__c'),
      })),
    };
  }

  async query<T extends SfRecord = SfRecord>(soql: string, options: SfQueryOptions = {}): Promise<SfQueryPage<T>> {
    this.soql.push(soql);
    this.calls.push(`query${options.includeDeleted ? 'All' : ''}`);
    const from = /\bFROM (\w+)/.exec(soql)?.[1];
    if (!from) throw new FakeSalesforceError('MALFORMED_QUERY', soql);
    let rows = (this.tables[from] ?? []).filter((r) => options.includeDeleted || r.IsDeleted !== true);
    const where = /\bWHERE (.*?)(?: ORDER BY .*)?$/.exec(soql)?.[1] ?? '';

    const keyset = /\(SystemModstamp > (\S+) OR \(SystemModstamp = (\S+) AND Id > '([^']*)'\)\)/.exec(where);
    if (keyset) {
      const since = stamp(keyset[1]);
      const lastId = keyset[3]!;
      rows = rows.filter((r) => stamp(r.SystemModstamp) > since || (stamp(r.SystemModstamp) === since && String(r.Id) > lastId));
    } else {
      const after = /(?:^|AND )SystemModstamp > (\S+)/.exec(where);
      if (after) rows = rows.filter((r) => stamp(r.SystemModstamp) > stamp(after[1]));
    }
    const upTo = /SystemModstamp <= (\S+)/.exec(where);
    if (upTo) rows = rows.filter((r) => stamp(r.SystemModstamp) <= stamp(upTo[1]));
    for (const match of where.matchAll(/([\w.]+) IN \(([^)]*)\)/g)) {
      const ids = new Set([...match[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]));
      rows = rows.filter((r) => ids.has(String(get(r, match[1]!))));
    }
    if (/WhoId != null/.test(where)) rows = rows.filter((r) => r.WhoId !== null && r.WhoId !== undefined);
    if (/ORDER BY SystemModstamp, Id/.test(soql)) {
      rows = [...rows].sort((a, b) => stamp(a.SystemModstamp) - stamp(b.SystemModstamp) || (String(a.Id) < String(b.Id) ? -1 : String(a.Id) > String(b.Id) ? 1 : 0));
    }
    if (/SELECT COUNT\(\)/.test(soql)) return { records: [], totalSize: rows.length, done: true };
    return this.page<T>(rows, options.batchSize ?? 2000, rows.length);
  }

  async queryMore<T extends SfRecord = SfRecord>(nextRecordsUrl: string): Promise<SfQueryPage<T>> {
    this.calls.push(`queryMore ${nextRecordsUrl}`);
    const state = this.locators.get(nextRecordsUrl);
    if (!state) throw new FakeSalesforceError('INVALID_QUERY_LOCATOR', 'invalid query locator');
    this.locators.delete(nextRecordsUrl);
    return this.page<T>(state.rest, state.batchSize, state.totalSize);
  }

  private page<T extends SfRecord>(rows: SfRecord[], batchSize: number, totalSize: number): SfQueryPage<T> {
    const records = rows.slice(0, batchSize).map((r) => structuredClone(r)) as T[];
    const rest = rows.slice(batchSize);
    if (rest.length === 0) return { records, totalSize, done: true };
    const url = `/services/data/v62.0/query/01gFAKE${String(++this.locatorSeq).padStart(3, '0')}-${batchSize}`;
    this.locators.set(url, { rest, batchSize, totalSize });
    return { records, totalSize, done: false, nextRecordsUrl: url };
  }

  /** Bulk rows: the table's records (up to the SOQL's upper bound) flattened to CSV strings. */
  async bulkQueryStart(soql: string, options: { includeDeleted?: boolean } = {}): Promise<{ jobId: string }> {
    this.soql.push(soql);
    this.calls.push('bulkQueryStart');
    const from = /\bFROM (\w+)/.exec(soql)![1]!;
    const fields = /^SELECT (.*) FROM/.exec(soql)![1]!.split(', ');
    const upTo = /SystemModstamp <= (\S+)/.exec(soql);
    const rows = (this.tables[from] ?? [])
      .filter((r) => options.includeDeleted || r.IsDeleted !== true)
      .filter((r) => !upTo || stamp(r.SystemModstamp) <= stamp(upTo[1]))
      .map((r) => Object.fromEntries(fields.map((f) => {
        const v = get(r, f);
        return [f, v === null || v === undefined ? '' : String(v)];
      })));
    const jobId = `750FAKE${this.bulkJobs.size + 1}`;
    this.bulkJobs.set(jobId, { soql, includeDeleted: options.includeDeleted ?? false, states: [...this.nextBulkStates], rows, polls: 0 });
    return { jobId };
  }

  async bulkQueryState(jobId: string) {
    this.calls.push(`bulkQueryState ${jobId}`);
    const job = this.bulkJobs.get(jobId)!;
    const state = job.states[Math.min(job.polls, job.states.length - 1)]!;
    job.polls += 1;
    return { state, numberRecordsProcessed: state === 'JobComplete' ? job.rows.length : 0, ...(state === 'Failed' ? { errorMessage: 'InvalidBatch' } : {}) };
  }

  async bulkQueryResults(jobId: string, locator: string | null, maxRecords: number) {
    this.calls.push(`bulkQueryResults ${jobId} ${locator ?? '-'}`);
    const job = this.bulkJobs.get(jobId)!;
    const start = locator === null ? 0 : Number(locator);
    const records = job.rows.slice(start, start + maxRecords);
    const end = start + records.length;
    return { records, locator: end < job.rows.length ? String(end) : null };
  }

  async updateRecords(): Promise<never> {
    throw new Error('not used by streams');
  }

  async createRecords(): Promise<never> {
    throw new Error('not used by streams');
  }

  async limits(): Promise<never> {
    throw new Error('not used by streams');
  }

  apiUsage() {
    return null;
  }

  async createCustomField(): Promise<never> {
    throw new Error('not used by streams');
  }

  async currentUserId(): Promise<string> {
    return '005000000000001AAA';
  }
}
