import type { JobDeps } from './job-deps';
import { horizonStart } from '../src/engine/decay';
import type { RetentionJobData } from '../src/queue/job-data';
import { parseRulebook } from '../src/rulebook/load';
import type { ErasureCounts } from '../src/store';
import { parseDuration } from '../src/util/duration.util';

/** Defaults of LEADSTAGE_EVENT_RETENTION_MARGIN_DAYS and LEADSTAGE_RECORD_ERROR_RETENTION_DAYS (src/config/env.ts). */
export const DEFAULT_EVENT_RETENTION_MARGIN_DAYS = 30;
export const DEFAULT_RESOLVED_ERROR_RETENTION_DAYS = 90;

const DAY_MS = 86_400_000;

export interface RetentionReport {
  /** Events deleted, and the cutoff (null: the workspace has no published rulebook, so no horizon, so none pruned). */
  events: number;
  eventsBefore: string | null;
  /** Resolved per-record errors deleted, and the cutoff. */
  recordErrors: number;
  recordErrorsBefore: string;
  /** People no system holds any more (records deleted before migration 008), erased with an audit row each. */
  peopleErased: number;
  erasedRows: ErasureCounts;
}

/**
 * `retention` (nightly per workspace, src/queue/schedules.ts): prunes what Leadstage no longer
 * needs (docs/data-protection.md):
 * - events older than the published rulebook's decay horizon plus a margin: the engine never counts
 *   an event beyond the horizon, so no decision changes; the margin keeps a horizon that is
 *   lengthened later from finding nothing;
 * - per-record errors resolved longer ago than the error retention;
 * - people who still have CRM records but none live (deleted before erasure on deletion existed).
 * Each delete is a batch of RETENTION_BATCH rows in its own transaction. The erasure audit is kept;
 * BullMQ trims job history itself (each job's removeOnComplete / removeOnFail).
 */
export async function runRetentionJob(data: RetentionJobData, deps: JobDeps): Promise<RetentionReport> {
  const { store } = deps;
  const now = deps.clock();
  const marginDays = deps.privacy?.eventRetentionMarginDays ?? DEFAULT_EVENT_RETENTION_MARGIN_DAYS;
  const errorDays = deps.privacy?.resolvedErrorRetentionDays ?? DEFAULT_RESOLVED_ERROR_RETENTION_DAYS;

  const published = await store.rulebooks.getPublished(data.workspaceId);
  let eventsBefore: Date | null = null;
  if (published) {
    const horizon = parseDuration(parseRulebook(published.yaml, `rulebook ${published.versionLabel}`).decay.horizon);
    eventsBefore = new Date(horizonStart(now, horizon) - marginDays * DAY_MS);
  }
  const events = eventsBefore ? await store.retention.pruneEvents(data.workspaceId, eventsBefore) : 0;
  const recordErrorsBefore = new Date(now - errorDays * DAY_MS);
  const recordErrors = await store.retention.pruneResolvedErrors(data.workspaceId, recordErrorsBefore);
  const unheld = await store.erasure.eraseUnheld(data.workspaceId, {
    ...(deps.privacy ? { subjectHash: deps.privacy.subjectHash } : {}),
    now: new Date(now),
  });

  const report: RetentionReport = {
    events,
    eventsBefore: eventsBefore?.toISOString() ?? null,
    recordErrors,
    recordErrorsBefore: recordErrorsBefore.toISOString(),
    peopleErased: unheld.peopleErased,
    erasedRows: unheld.counts,
  };
  deps.logger.info('retention run', { workspaceId: data.workspaceId, ...report });
  return report;
}
