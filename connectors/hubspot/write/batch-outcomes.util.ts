/**
 * Per-record outcomes of a HubSpot batch call. A 207 lists failures in `errors[]`, each naming
 * its records in `context.ids`; validation and not-found failures are permanent for that record,
 * transient ones (HubSpot's internal errors, rate limits, timeouts) are retried. A whole call that
 * fails is retried when the error is retryable (429, 5xx, network).
 */
export const PERMANENT_CATEGORIES = new Set([
  'VALIDATION_ERROR', 'OBJECT_NOT_FOUND', 'INVALID_PARAMS', 'INVALID_EMAIL', 'PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE',
  'INVALID_OPTION', 'MISSING_SCOPES', 'FORBIDDEN', 'OBJECT_ALREADY_EXISTS', 'CONFLICT',
]);
export const TRANSIENT_CATEGORIES = new Set([
  'INTERNAL_ERROR', 'RATE_LIMIT', 'RATE_LIMITS', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'GATEWAY_TIMEOUT', 'LOCKED', 'TOO_MANY_REQUESTS',
]);

export interface BatchErrorEntry {
  category?: string | undefined;
  message?: string | undefined;
  context?: Record<string, string[]> | undefined;
  /** Per-property details of a VALIDATION_ERROR (`code` PROPERTY_DOESNT_EXIST, INVALID_OPTION…, `context.propertyName`). */
  errors?: ReadonlyArray<{ code?: string | undefined; message?: string | undefined; context?: Record<string, string[]> | undefined }> | undefined;
}

/**
 * Properties HubSpot says no longer exist (archived or deleted since the mapping was saved), by
 * record id: only records whose failure is nothing else, so sending them again without those
 * properties writes the rest.
 */
export function missingProperties(errors: readonly BatchErrorEntry[] | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const entry of errors ?? []) {
    const details = entry.errors ?? [];
    if (entry.category !== 'VALIDATION_ERROR' || details.length === 0 || !details.every((d) => d.code === 'PROPERTY_DOESNT_EXIST')) continue;
    const names = [...new Set(details.flatMap((d) => d.context?.propertyName ?? []))];
    if (names.length === 0) continue;
    for (const id of entry.context?.ids ?? []) out.set(String(id), names);
  }
  return out;
}

export type RecordFailure = { status: 'retry'; error: string } | { status: 'failed'; code: string; error: string };

/** id → failure for every record a batch response reports as failed. */
export function recordFailures(errors: readonly BatchErrorEntry[] | undefined, endpoint: string): Map<string, RecordFailure> {
  const out = new Map<string, RecordFailure>();
  for (const entry of errors ?? []) {
    const category = entry.category ?? 'UNKNOWN';
    const message = `${endpoint}: ${entry.message ?? category}`;
    const failure: RecordFailure = TRANSIENT_CATEGORIES.has(category)
      ? { status: 'retry', error: message }
      // Unknown categories are shown to the admin rather than retried forever.
      : { status: 'failed', code: category, error: message };
    for (const id of entry.context?.ids ?? []) out.set(String(id), failure);
  }
  return out;
}

/**
 * Splits items into batches of at most `size` in which no record appears twice: HubSpot rejects a
 * whole batch with duplicate ids, and a later write to the same record must land in a later request.
 */
export function uniqueBatches<T>(items: readonly T[], idOf: (item: T) => string, size: number): T[][] {
  const batches: { items: T[]; ids: Set<string> }[] = [];
  for (const item of items) {
    const id = idOf(item);
    let target = batches.find((b) => b.items.length < size && !b.ids.has(id) && !batches.slice(batches.indexOf(b) + 1).some((later) => later.ids.has(id)));
    if (!target) {
      target = { items: [], ids: new Set() };
      batches.push(target);
    }
    target.items.push(item);
    target.ids.add(id);
  }
  return batches.map((b) => b.items);
}
