import type { JobDeps } from './job-deps';
import type { WritebackJobData } from '../src/queue/job-data';
import { parseCrmWrite, type CrmWrite } from '../src/connector/crm-connector';
import type { OutboxItem } from '../src/store/records';
import type { PermanentError, WrittenValues } from '../src/store/repositories/outbox.repository';
import { recordConnectorProblems } from '../src/sync/installation-problems';

/** Records per write call when the connector does not say (CrmConnector.writeBatchSize). */
const DEFAULT_BATCH = 100;
/** How long a part batch may wait for company: one gather period of the queue (enqueuer.ts). */
const GATHER_MS = 2_000;
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 15 * 60_000;
/** The code a stored payload that is not a CRM write is recorded with (record_errors). */
export const OUTBOX_PAYLOAD_INVALID = 'OUTBOX_PAYLOAD_INVALID';

export interface WritebackResult {
  written: number;
  retrying: number;
  failed: number;
}

/**
 * `writeback`: drain an installation's outbox in CRM-sized batches. A write leaves the outbox only
 * when the CRM confirmed it; a transient failure waits for its retry time; a permanent one (a bad
 * value, a deleted record) is recorded against the person for the admin and not retried forever.
 * A stored payload that is not a CRM write fails alone, recorded the same way; the rest go out.
 */
export async function runWritebackJob(data: WritebackJobData, deps: JobDeps): Promise<WritebackResult> {
  const { store } = deps;
  const installation = await deps.installation(data.workspaceId, data.installationId);
  const connector = await deps.connectorFor(installation);
  const result: WritebackResult = { written: 0, retrying: 0, failed: 0 };
  const batch = connector.writeBatchSize ?? DEFAULT_BATCH;

  for (;;) {
    const now = new Date(deps.clock());
    // a part batch waits (once) for more people to be scored, so calls go out full
    const backlog = await store.outbox.readyBacklog(installation.id, now);
    if (backlog.ready === 0) break;
    const waited = now.getTime() - Date.parse(backlog.readySince!);
    if (backlog.ready < batch && waited < GATHER_MS) {
      await deps.enqueue.writeback(data, GATHER_MS - waited);
      return result;
    }
    const claimed = await store.outbox.claimOutbox(installation.id, batch, { now, ...(deps.outboxLeaseMs ? { leaseMs: deps.outboxLeaseMs } : {}) });
    if (claimed.length === 0) break;
    const { items, writes, unreadable } = readClaimedWrites(claimed);
    // retrying cannot mend a payload: recorded for the admin now, whatever the CRM call does next
    for (const { item, problems } of unreadable) await store.outbox.failOutboxPermanently(installation.id, item.id, unreadablePayloadError(item, problems));
    result.failed += unreadable.length;
    if (writes.length === 0) continue;
    let outcomes;
    try {
      outcomes = await connector.write(writes);
    } catch (error) {
      // the whole call failed (rate limit, outage): every write waits, and the job retries
      for (const item of items) await store.outbox.failOutbox(installation.id, item.id, (error as Error).message, retryAt(now, item.attempts));
      throw error;
    } finally {
      // what the CRM refused for the whole installation (a field deleted, a value it lacks), once
      await recordConnectorProblems(store, installation, connector, deps.clock(), deps.logger);
    }
    const confirmed: number[] = [];
    const written = new Map<number, WrittenValues>();
    for (const [index, outcome] of outcomes.entries()) {
      const item = items[index]!;
      if (outcome.status === 'ok') {
        confirmed.push(item.id);
        const write = writes[index]!;
        if (outcome.written) written.set(item.id, { objectType: write.objectType, crmId: write.crmId, properties: outcome.written });
      }
      else if (outcome.status === 'retry') {
        result.retrying++;
        await store.outbox.failOutbox(installation.id, item.id, outcome.error, retryAt(now, item.attempts));
      } else {
        result.failed++;
        await store.outbox.failOutboxPermanently(installation.id, item.id, { code: outcome.code, message: outcome.error, crmId: outcome.crmId });
      }
    }
    result.written += await store.outbox.confirmOutbox(installation.id, confirmed, now, written);
  }

  // writes still waiting (a retry time, a dead worker's lease): come back exactly when one is due
  const due = await store.outbox.nextDueAt(installation.id);
  if (due) await deps.enqueue.writeback(data, Math.max(0, Date.parse(due) - deps.clock()));
  return result;
}

/** Claimed items split by whether their stored payload is a CRM write; `items[i]` goes with `writes[i]`. */
function readClaimedWrites(claimed: readonly OutboxItem[]): { items: OutboxItem[]; writes: CrmWrite[]; unreadable: { item: OutboxItem; problems: string[] }[] } {
  const items: OutboxItem[] = [];
  const writes: CrmWrite[] = [];
  const unreadable: { item: OutboxItem; problems: string[] }[] = [];
  for (const item of claimed) {
    const parsed = parseCrmWrite(item.payload);
    if (parsed.ok) {
      items.push(item);
      writes.push(parsed.write);
    } else {
      unreadable.push({ item, problems: parsed.problems });
    }
  }
  return { items, writes, unreadable };
}

/** Names the outbox row, its person and each field that does not fit; the record's id when the payload still has one. */
function unreadablePayloadError(item: OutboxItem, problems: readonly string[]): PermanentError {
  const payload = item.payload;
  const crmId = payload !== null && typeof payload === 'object' && !Array.isArray(payload) && typeof payload.crmId === 'string' ? payload.crmId : null;
  return {
    code: OUTBOX_PAYLOAD_INVALID,
    message: `outbox write ${item.id} for person ${item.personId} is not a CRM write: ${problems.join('; ')}`,
    crmId,
    details: { problems: [...problems] },
  };
}

/** Capped exponential backoff by attempt, so a record that keeps failing does not hog the quota. */
function retryAt(now: Date, attempts: number): Date {
  return new Date(now.getTime() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1)));
}
