/** What every Salesforce stream works with, and the tunables (defaults below). */
import type { SalesforceFieldMappings } from '../mapping/field-mappings';
import type { SalesforceApi } from '../salesforce-api.types';
import type { DescribeCache } from './describe-cache';

export interface SalesforceStreamLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface SalesforceStreamOptions {
  /** A first load of Leads/Contacts above this many records goes through Bulk API 2.0 (default 10,000; Infinity: never). */
  bulkThreshold?: number;
  /** Records per Bulk results page, i.e. per pull (default 5,000). */
  bulkPageSize?: number;
  /** How long one pull waits for a Bulk job to finish before handing the cursor back (default 30 s). */
  bulkWaitMs?: number;
  /** First interval between job-state polls while waiting (default 2 s); it doubles each poll. */
  bulkPollMs?: number;
  /** Longest interval between job-state polls (default 30 s): a job that runs for minutes is polled twice a minute. */
  bulkPollMaxMs?: number;
  /** Waiting, injectable so tests need no real time (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** REST page size (Sforce-Query-Options batchSize, 200..2000; default 2000). */
  batchSize?: number;
  /**
   * How far each incremental window reaches back before the last one's end, to find records of
   * transactions that committed late with an earlier SystemModstamp (default 5 minutes).
   */
  overlapMs?: number;
  logger?: SalesforceStreamLogger;
}

export type ResolvedStreamOptions = Required<Omit<SalesforceStreamOptions, 'logger'>> & { logger?: SalesforceStreamLogger | undefined };

export const DEFAULT_STREAM_OPTIONS: Omit<ResolvedStreamOptions, 'sleep' | 'logger'> = {
  bulkThreshold: 10_000,
  // as REST pages: two people streams side by side, each holding a page ahead, stay within the heap budget
  bulkPageSize: 2_000,
  bulkWaitMs: 30_000,
  bulkPollMs: 2_000,
  bulkPollMaxMs: 30_000,
  batchSize: 2_000,
  overlapMs: 5 * 60_000,
};

export function resolveStreamOptions(options: SalesforceStreamOptions = {}): ResolvedStreamOptions {
  return {
    ...DEFAULT_STREAM_OPTIONS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    logger: options.logger,
  } as ResolvedStreamOptions;
}

export interface StreamDeps {
  api: SalesforceApi;
  mappings: SalesforceFieldMappings;
  describes: DescribeCache;
  options: ResolvedStreamOptions;
}
