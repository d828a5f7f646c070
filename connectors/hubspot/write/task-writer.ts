/**
 * `createTasks()`: rep tasks through `POST /crm/v3/objects/tasks/batch/create` (≤100 per call),
 * associated inline to the contact with HUBSPOT_DEFINED type 204 (task → contact; any other id
 * creates the task unassociated, SDK issue #376), one outcome per input in input order.
 *
 * Idempotency: HubSpot has no idempotency key for creates, so the key is written as the body's last
 * line, `[leadstage:<key>]`, and before each batch one search finds tasks already carrying those
 * keys: a retry after a lost response finds its task instead of creating a second one. The search
 * is on `hs_timestamp` (the due time, which the caller derives from the key's handoff and step, so a
 * retry sends the same one) and the bodies are read for the markers; that does not depend on how
 * HubSpot tokenises a rich-text body. Caveat: HubSpot's search index trails writes by seconds.
 */
import type { CrmTask, TaskOutcome } from '../../../src/connector/crm-connector';
import { HubSpotApiError } from '../hubspot-api-error';
import type { HubSpotHttp } from '../hubspot-http';
import { chunk } from '../streams/crm-batch-reads';

const CREATE_ENDPOINT = 'POST /crm/v3/objects/tasks/batch/create';
const SEARCH_ENDPOINT = 'POST /crm/v3/objects/tasks/search';
const BATCH_LIMIT = 100;
const SEARCH_LIMIT = 200;
export const TASK_TO_CONTACT = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 } as const;

const PRIORITY = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;
const TYPE = { call: 'CALL', email: 'EMAIL', todo: 'TODO' } as const;
const MARKER = /\[leadstage:([^\]\s]+)\]\s*$/;
const HUBSPOT_OWNER_ID = /^\d+$/;

type Outcome = { status: 'ok'; crmTaskId: string } | { status: 'retry'; error: string } | { status: 'failed'; code: string; error: string };

/** Keys are opaque: escape what would end the marker early. */
export function taskMarker(key: string): string {
  return `[leadstage:${key.replace(/[\]\s%]/g, (c) => encodeURIComponent(c))}]`;
}

export function keyFromBody(body: string | null | undefined): string | null {
  const match = MARKER.exec((body ?? '').replace(/<[^>]*>/g, ' ').trimEnd());
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

export class TaskWriter {
  constructor(private readonly http: HubSpotHttp) {}

  async createTasks(tasks: readonly CrmTask[]): Promise<TaskOutcome[]> {
    const byKey = new Map<string, Outcome>();
    const unique: CrmTask[] = [];
    for (const task of tasks) {
      if (byKey.has(task.key) || unique.some((t) => t.key === task.key)) continue;
      if (task.objectType !== 'contact') {
        byKey.set(task.key, { status: 'failed', code: 'UNSUPPORTED_OBJECT_TYPE', error: `HubSpot tasks are associated to contacts, not ${task.objectType} records` });
        continue;
      }
      const due = Date.parse(task.dueAt);
      if (Number.isNaN(due)) {
        byKey.set(task.key, { status: 'failed', code: 'INVALID_DUE_AT', error: `task ${task.key}: dueAt "${task.dueAt}" is not an ISO 8601 time` });
        continue;
      }
      unique.push(task);
    }
    for (const batch of chunk(unique, BATCH_LIMIT)) {
      let existing: Map<string, string>;
      try {
        existing = await this.findExisting(batch);
      } catch (error) {
        // Without knowing what exists, creating could duplicate: the whole batch waits.
        for (const task of batch) byKey.set(task.key, this.failure(error));
        continue;
      }
      for (const [key, id] of existing) byKey.set(key, { status: 'ok', crmTaskId: id });
      const missing = batch.filter((t) => !existing.has(t.key));
      if (missing.length > 0) for (const [key, outcome] of await this.create(missing)) byKey.set(key, outcome);
    }
    return tasks.map((task) => ({ key: task.key, ...(byKey.get(task.key) ?? { status: 'retry', error: `task ${task.key}: no outcome` }) }));
  }

  /** key → task id for the batch's keys that already exist (one search, paged if needed). */
  private async findExisting(batch: readonly CrmTask[]): Promise<Map<string, string>> {
    const wanted = new Set(batch.map((t) => t.key));
    const dues = batch.map((t) => Date.parse(t.dueAt));
    const found = new Map<string, string>();
    let after = 0;
    for (;;) {
      const page = await this.http.sdk('search', SEARCH_ENDPOINT, (c) =>
        c.crm.objects.tasks.searchApi.doSearch({
          filterGroups: [{
            filters: [
              { propertyName: 'hs_timestamp', operator: 'GTE' as never, value: String(Math.min(...dues)) },
              { propertyName: 'hs_timestamp', operator: 'LTE' as never, value: String(Math.max(...dues)) },
            ],
          }],
          properties: ['hs_task_body', 'hs_timestamp'],
          limit: SEARCH_LIMIT,
          after: String(after),
        }));
      for (const task of page.results) {
        const key = keyFromBody(task.properties.hs_task_body);
        if (key !== null && wanted.has(key) && !found.has(key)) found.set(key, task.id);
      }
      const next = page.paging?.next?.after;
      if (!next || found.size === wanted.size || after + SEARCH_LIMIT >= 10_000) return found;
      after = Number(next);
    }
  }

  private async create(batch: readonly CrmTask[]): Promise<Map<string, Outcome>> {
    const out = new Map<string, Outcome>();
    try {
      const response = await this.http.sdk('standard', CREATE_ENDPOINT, (c) =>
        c.crm.objects.tasks.batchApi.create({ inputs: batch.map((task) => toInput(task)) as never }));
      // Results are not guaranteed in input order: match them by the marker in the body.
      for (const result of response.results) {
        const key = keyFromBody(result.properties.hs_task_body);
        if (key !== null && batch.some((t) => t.key === key)) {
          out.set(key, { status: 'ok', crmTaskId: result.id });
        }
      }
      for (const task of batch) {
        if (out.has(task.key)) continue;
        out.set(task.key, { status: 'retry', error: `${CREATE_ENDPOINT}: created tasks did not echo the body of ${task.key}; the next run finds it by key` });
      }
      return out;
    } catch (error) {
      if (error instanceof HubSpotApiError && error.status === 400 && batch.length > 1) {
        // HubSpot validates the whole batch first: split to find the task it refuses.
        const middle = Math.ceil(batch.length / 2);
        for (const half of [batch.slice(0, middle), batch.slice(middle)]) for (const [k, o] of await this.create(half)) out.set(k, o);
        return out;
      }
      for (const task of batch) out.set(task.key, this.failure(error));
      return out;
    }
  }

  private failure(error: unknown): Outcome {
    // not HubSpot's answer about a task, a rate limit or refused credentials (about the
    // installation): the job handles it
    if (!(error instanceof HubSpotApiError) || error.status === 429 || error.status === 401) throw error;
    return error.retryable
      ? { status: 'retry', error: error.message }
      : { status: 'failed', code: error.category ?? `HTTP_${error.status ?? 'ERROR'}`, error: error.message };
  }
}

function toInput(task: CrmTask) {
  const properties: Record<string, string> = {
    hs_timestamp: new Date(Date.parse(task.dueAt)).toISOString(),
    hs_task_subject: task.subject,
    hs_task_body: `${task.body.trimEnd()}\n\n${taskMarker(task.key)}`,
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: PRIORITY[task.priority],
    hs_task_type: TYPE[task.type],
  };
  // HubSpot owner ids are integers. A person in both CRMs may carry the other system's owner (a
  // non-numeric id): sent, HubSpot refuses the whole batch (400), so the task goes unowned
  if (task.ownerId && HUBSPOT_OWNER_ID.test(task.ownerId)) properties.hubspot_owner_id = task.ownerId;
  return { properties, associations: [{ to: { id: task.crmId }, types: [{ ...TASK_TO_CONTACT }] }] };
}
