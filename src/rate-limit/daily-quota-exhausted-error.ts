/**
 * An installation may make no more calls today. Thrown instead of waiting for hours, so that a job
 * can be delayed until `resetsAt` (BullMQ: `job.moveToDelayed(resetsAt, token)` then `DelayedError`).
 */
export class DailyQuotaExhaustedError extends Error {
  override readonly name = 'DailyQuotaExhaustedError';
  readonly code = 'daily_quota_exhausted';

  constructor(
    readonly installationId: string,
    /** Epoch ms at which calls may resume. */
    readonly resetsAt: number,
    /** `counted`: our own daily budget ran out; `crm`: the CRM answered with a DAILY 429 (see `pause`). */
    readonly source: 'counted' | 'crm',
  ) {
    super(
      `Installation ${installationId} has used its daily API quota` +
        `${source === 'crm' ? ' (the CRM said so; other apps on the account share it)' : ''}; ` +
        `calls resume at ${new Date(resetsAt).toISOString()}.`,
    );
  }
}
