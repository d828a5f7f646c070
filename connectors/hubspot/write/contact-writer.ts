/**
 * `write()`: contact property updates through `POST /crm/v3/objects/contacts/batch/update`,
 * ≤100 per request, exactly one outcome per input in input order.
 * - Write policies are enforced again here against `current` (`never` dropped, `if_empty` only
 *   when HubSpot holds nothing), so a mapping an admin protected is never overwritten.
 * - lifecyclestage only moves forward. A backward value is dropped (the rest is written) unless the
 *   mapping allows it; then HubSpot's documented clear-then-set: "" in one request, the earlier
 *   stage in a separate, later request (never both in one batch: batches are not ordered).
 * - A whole call that fails: retryable → every record `retry`; a 400 is bisected so one bad record
 *   does not fail the other 99.
 * - A mapped property HubSpot no longer has (archived in Settings after the mapping was saved)
 *   fails its records with PROPERTY_DOESNT_EXIST: the same records go again without it, so the
 *   other properties land; it is left out of this connector's later writes (a new connector, after
 *   a mapping save or a restart, tries it again) and reported as a problem with its fix.
 */
import type { CrmWrite, InstallationProblem, WriteOutcome } from '../../../src/connector/crm-connector';
import { HubSpotApiError } from '../hubspot-api-error';
import type { HubSpotHttp } from '../hubspot-http';
import type { FieldMappings } from '../mapping/field-mappings';
import { missingProperties, recordFailures, uniqueBatches, type RecordFailure } from './batch-outcomes.util';
import type { LifecycleOrder } from './lifecycle-order';

const ENDPOINT = 'POST /crm/v3/objects/contacts/batch/update';
const BATCH_LIMIT = 100;
const LIFECYCLE = 'lifecyclestage';

interface Update {
  index: number;
  crmId: string;
  properties: Record<string, string>;
}

type Outcome = { status: 'ok' } | RecordFailure;

export interface WriterLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
}

export class ContactWriter {
  /** Properties HubSpot said no longer exist: left out of later writes. */
  private readonly gone = new Set<string>();

  constructor(
    private readonly http: HubSpotHttp,
    private readonly mappings: FieldMappings,
    private readonly lifecycle: LifecycleOrder,
    private readonly logger?: WriterLogger,
    /** Where the problems it finds go (the connector's takeProblems). */
    private readonly report?: (problem: InstallationProblem) => void,
  ) {}

  async write(writes: readonly CrmWrite[]): Promise<WriteOutcome[]> {
    const outcomes: Outcome[] = writes.map(() => ({ status: 'ok' }));
    const first: Update[] = [];
    const backward = new Map<number, string>();
    for (const [index, write] of writes.entries()) {
      if (write.objectType !== 'contact') {
        outcomes[index] = { status: 'failed', code: 'UNSUPPORTED_OBJECT_TYPE', error: `HubSpot connector writes contacts, not ${write.objectType} records` };
        continue;
      }
      const properties = this.applyPolicies(write);
      const earlier = await this.checkLifecycle(write, properties);
      if (earlier !== undefined) backward.set(index, earlier);
      if (Object.keys(properties).length > 0) first.push({ index, crmId: write.crmId, properties });
    }

    const firstOutcomes = await this.send(first);
    for (const [index, outcome] of firstOutcomes) outcomes[index] = outcome;

    // The second half of clear-then-set, only where the clear landed.
    const second: Update[] = [];
    for (const [index, stage] of backward) {
      if (outcomes[index]!.status === 'ok') second.push({ index, crmId: writes[index]!.crmId, properties: { [LIFECYCLE]: stage } });
    }
    for (const [index, outcome] of await this.send(second)) outcomes[index] = outcome;

    // what HubSpot accepted for each record, as sent: the clear-then-set's second value wins
    const written = new Map<number, Record<string, string>>();
    for (const update of [...first, ...second]) written.set(update.index, { ...written.get(update.index), ...update.properties });
    return writes.map((w, i) => {
      const outcome = outcomes[i]!;
      return outcome.status === 'ok' ? { crmId: w.crmId, status: 'ok' as const, written: written.get(i) ?? {} } : { crmId: w.crmId, ...outcome };
    });
  }

  private applyPolicies(write: CrmWrite): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(write.properties)) {
      const policy = this.mappings.writeMappingFor(name)?.writePolicy;
      if (policy === 'never' || this.gone.has(name)) continue;
      const current = write.current[name];
      if (policy === 'if_empty' && current !== undefined && current !== null && current !== '') continue;
      out[name] = value;
    }
    return out;
  }

  /**
   * Drops or rewrites a backward lifecyclestage in `properties`; returns the stage to set in the
   * second request when the move back is allowed (the first request then clears it).
   */
  private async checkLifecycle(write: CrmWrite, properties: Record<string, string>): Promise<string | undefined> {
    const target = properties[LIFECYCLE];
    const current = write.current[LIFECYCLE];
    if (target === undefined || target === '' || current === undefined || current === null || current === '') return undefined;
    if (target === current) {
      delete properties[LIFECYCLE];
      return undefined;
    }
    if (!(await this.lifecycle.isBackward(current, target))) return undefined;
    if (this.mappings.writeMappingFor(LIFECYCLE)?.allowBackward) {
      properties[LIFECYCLE] = '';
      return target;
    }
    delete properties[LIFECYCLE];
    this.logger?.debug?.('lifecyclestage not moved backward (mapping does not allow it)', { crmId: write.crmId, current, target });
    return undefined;
  }

  private async send(updates: readonly Update[]): Promise<Map<number, Outcome>> {
    const out = new Map<number, Outcome>();
    for (const batch of uniqueBatches(updates, (u) => u.crmId, BATCH_LIMIT)) {
      for (const [index, outcome] of await this.sendBatch(batch)) out.set(index, outcome);
    }
    return out;
  }

  private async sendBatch(batch: readonly Update[]): Promise<Map<number, Outcome>> {
    const out = new Map<number, Outcome>();
    let errors;
    try {
      const response = await this.http.sdk('standard', ENDPOINT, (c) =>
        c.crm.contacts.batchApi.update({ inputs: batch.map((u) => ({ id: u.crmId, properties: u.properties })) }));
      errors = 'errors' in response ? response.errors : undefined;
    } catch (error) {
      if (!(error instanceof HubSpotApiError)) throw error;
      // a rate limit or refused credentials are about the installation, not these records: the job
      // pauses it and waits (a 401 must never drop the writes: they land after a reconnect)
      if (error.status === 429 || error.status === 401) throw error;
      if (error.status === 400 && batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        for (const half of [batch.slice(0, middle), batch.slice(middle)]) {
          for (const [index, outcome] of await this.sendBatch(half)) out.set(index, outcome);
        }
        return out;
      }
      const failure: Outcome = error.retryable
        ? { status: 'retry', error: error.message }
        : { status: 'failed', code: error.category ?? `HTTP_${error.status ?? 'ERROR'}`, error: error.message };
      for (const u of batch) out.set(u.index, failure);
      return out;
    }
    const failures = recordFailures(errors, ENDPOINT);
    const missing = missingProperties(errors);
    const again: Update[] = [];
    for (const u of batch) {
      const names = missing.get(u.crmId);
      if (!names) {
        out.set(u.index, failures.get(u.crmId) ?? { status: 'ok' });
        continue;
      }
      for (const name of names) this.drop(name);
      // what is sent is what is written: the update loses the missing properties
      for (const name of names) delete u.properties[name];
      if (Object.keys(u.properties).length === 0) out.set(u.index, { status: 'ok' });
      else again.push(u);
    }
    if (again.length > 0) for (const [index, outcome] of await this.sendBatch(again)) out.set(index, outcome);
    return out;
  }

  private drop(name: string): void {
    if (this.gone.has(name)) return;
    this.gone.add(name);
    const carries = [...new Set(this.mappings.write.filter((m) => m.crmProperty === name).map((m) => m.canonicalField))];
    const what = carries.length > 0 ? `Leadstage's ${carries.join(' and ')}` : 'a Leadstage value';
    this.report?.({
      key: `property-missing:${name}`,
      code: 'FIELD_UNAVAILABLE',
      message: `HubSpot no longer has the contact property "${name}", which holds ${what}: it was archived or deleted in HubSpot. ` +
        'Leadstage leaves this property out and keeps writing the other properties of every contact.',
      fix: `Map ${carries.length > 0 ? carries.join(' and ') : 'it'} to another contact property on Leadstage's mapping page, or restore the property ` +
        `(Settings → Properties → Archived properties → Restore) or create it again; Leadstage writes it again after the mapping is saved.`,
      details: { objectType: 'contact', field: name, canonicalFields: carries, mappingPage: true },
    });
  }
}
