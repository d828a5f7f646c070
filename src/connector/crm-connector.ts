import { z } from 'zod';
import type { Decision } from '../model/decision';
import type { EngagementEvent } from '../model/event';
import type { Person } from '../model/person';
import { formatPath } from '../util/format-path.util';

/**
 * The contract between the sync jobs and a CRM connector (connectors/<provider>/). Data flows one
 * way: connector → canonical people/events → store → engine → decisions → writer → connector. A
 * connector knows its CRM's API and mapping; it never imports the engine, and the jobs never know
 * which CRM they talk to.
 */

export const CRM_OBJECT_TYPES = ['contact', 'lead'] as const;
export type CrmObjectType = (typeof CRM_OBJECT_TYPES)[number];

/** Where a stream resumes; stored as the installation's checkpoint after each page. */
export type StreamCursor = Record<string, string | number | boolean | null>;

/** A person as a CRM holds them, already mapped to the canonical model. */
export interface PulledPerson {
  crmId: string;
  objectType: CrmObjectType;
  /** Canonical fields; the store assigns the workspace-wide person id. */
  person: Omit<Person, 'id'>;
  /**
   * Current values of the CRM properties Leadstage may write, so write policies ("only if empty")
   * and forward-only fields (a lifecycle stage the CRM only lets move forward) are judged against what the CRM holds.
   */
  writableValues: Record<string, string | null>;
  /** When the CRM last modified the record (ISO 8601). */
  modifiedAt: string;
  /**
   * Canonical fields this record reads from a property Leadstage also writes, field → property (a
   * CRM's own lifecycle stage, read as `crmStage` and written from the decision's stage). A change in
   * such a field is our own write-back echoing when the property's pulled value is what the store
   * already knew (`writableValues` against the values last pulled or confirmed written): not a change,
   * so the person is not re-scored for it. Top-level canonical fields only.
   */
  readBack?: Record<string, string>;
  /**
   * The connector's digest of the record's properties as pulled, less the ones Leadstage writes
   * (`writableValues` carries those). Stored with the record; see PullContext.unchanged.
   */
  fingerprint?: string;
  /**
   * Earlier CRM records of this same human that this record replaces (a lead converted
   * into this contact). The store keeps one person: their identities, events and decision history
   * join this record's person, and the earlier records are retired (never written to again).
   */
  formerly?: CrmRecordKey[];
}

export interface CrmRecordKey {
  crmId: string;
  objectType: CrmObjectType;
}

/** A record the CRM deleted, or merged into another (the survivor of a merge). */
export interface RemovedRecord extends CrmRecordKey {
  /** The surviving record of a merge: the removed record's history joins its person. */
  mergedInto?: CrmRecordKey;
}

/** An engagement event and whom it belongs to, as the source identifies them. */
export interface PulledEvent {
  who: { crmId: string; objectType: CrmObjectType } | { email: string };
  event: EngagementEvent;
}

export interface PullPage {
  people: PulledPerson[];
  events: PulledEvent[];
  /**
   * Where this stream resumes (stored as the checkpoint once the page is stored). null means caught
   * up for now: the stored checkpoint is kept and the next scheduled run resumes from it.
   */
  next: StreamCursor | null;
  /** Pull the next page right away (default: whenever `next` is set). */
  more?: boolean;
  /** Records deleted or merged away since the cursor: their identities are retired, nothing is lost. */
  removed?: RemovedRecord[];
}

export interface PullContext {
  /** Injected time (ms): incremental windows end here, never at the wall clock. */
  now: number;
  /**
   * Optional (the sync job gives it): which of these records the store already holds exactly so,
   * the same fingerprint and the same values of the properties Leadstage writes (as last pulled or
   * confirmed written). Nothing about them is new (typically our own write-back echoing, which
   * moved their modification time), so a connector may leave them out of the page and skip the
   * reads that would complete them.
   */
  unchanged?(records: readonly RecordState[]): Promise<ReadonlySet<string>>;
}

/** A record as just read, for PullContext.unchanged. */
export interface RecordState extends CrmRecordKey {
  fingerprint: string;
  writableValues: Record<string, string | null>;
}

/**
 * One record's properties to write: only what changed, after write policies. planWrite
 * (src/sync/write-plan.ts) makes it and the score job stores it as an outbox payload; the writeback
 * job reads it back with this schema (parseCrmWrite), so a stored row from an older or newer
 * deployment, or one edited by hand, is a clear per-write error instead of a cast.
 */
export const CrmWriteSchema = z
  .object({
    crmId: z.string().min(1),
    objectType: z.enum(CRM_OBJECT_TYPES),
    properties: z.record(z.string(), z.string()),
    /** What the CRM held when last pulled (for forward-only fields such as lifecyclestage). */
    current: z.record(z.string(), z.string().nullable()),
  })
  .strict();
export type CrmWrite = z.infer<typeof CrmWriteSchema>;

/** A stored payload read back as a CrmWrite, or each field that does not fit and what was expected. */
export type CrmWriteParse = { ok: true; write: CrmWrite } | { ok: false; problems: string[] };

export function parseCrmWrite(payload: unknown): CrmWriteParse {
  const parsed = CrmWriteSchema.safeParse(payload);
  if (parsed.success) return { ok: true, write: parsed.data };
  return { ok: false, problems: parsed.error.issues.map(describeIssue) };
}

/** `properties.leadstage_score: expected string, received number`; the path says which field. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? formatPath(issue.path) : '(payload)';
  if (issue.code === 'unrecognized_keys') return `${where}: unexpected ${issue.keys.map((key) => `"${key}"`).join(', ')} (not part of a CRM write)`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return `${where}: required (expected ${issue.expected})`;
  return `${where}: ${issue.message.replace(/^Invalid (input|option): /, '')}`;
}

export type WriteOutcome =
  /**
   * `written`: the properties the CRM accepted, as sent (after the connector's own policies). The
   * store keeps them as the record's current values, so the echo of this write, pulled back, is
   * recognised as ours. Absent: the connector does not say, and the next pull tells.
   */
  | { crmId: string; status: 'ok'; written?: Record<string, string> }
  /** Transient (5xx, rate limit, timeout): the write stays in the outbox and is retried. */
  | { crmId: string; status: 'retry'; error: string }
  /** Permanent for this record (bad value, deleted record): recorded against the person and shown. */
  | { crmId: string; status: 'failed'; code: string; error: string };

export interface CrmTask {
  /** Idempotency key (one task per handoff and cadence step); the connector may store it on the task. */
  key: string;
  crmId: string;
  objectType: CrmObjectType;
  ownerId: string | null;
  subject: string;
  body: string;
  dueAt: string;
  priority: 'high' | 'medium' | 'low';
  type: 'call' | 'email' | 'todo';
}

export type TaskOutcome =
  | { key: string; status: 'ok'; crmTaskId: string }
  | { key: string; status: 'retry'; error: string }
  | { key: string; status: 'failed'; code: string; error: string };

export interface CrmConnector {
  /** Its module's provider id (connectors/registry.ts). */
  readonly provider: string;
  /** Streams in the order a first sync pulls them: people first, so events can be matched to them. */
  readonly streams: readonly string[];
  /**
   * How a first sync orders its streams: each phase's streams are pulled side by side, and the next
   * phase starts when all of them are caught up. The last phase must carry the people: with the
   * engagement already stored, each of its pages is scored (and written back) as soon as it lands,
   * so scoring overlaps the pull and every person is written once. Without phases, all streams run
   * at once and everyone is scored at the end.
   */
  readonly firstSyncPhases?: readonly (readonly string[])[];
  /** Creates the CRM-side fields Leadstage writes (property group, custom properties) if missing. */
  ensureSchema(): Promise<void>;
  /** One page of a stream from a cursor (null: from the beginning). */
  pull(stream: string, cursor: StreamCursor | null, context: PullContext): Promise<PullPage>;
  /**
   * Optional: reads these records by id, as the people stream would map them (a webhook named them).
   * Batched as the CRM allows, every call through the shared request budget. A record that no
   * longer exists is absent from the result, not an error.
   */
  pullRecords?(objectType: CrmObjectType, ids: readonly string[], context: PullContext): Promise<PulledPerson[]>;
  /** The CRM properties that carry a decision (Leadstage's own fields and mapped native ones). */
  propertiesFor(decision: Decision, slaDueAt: string | null): Record<string, string>;
  /** The admin's write policy for a CRM property (default: always). */
  writePolicyFor?(property: string): 'always' | 'if_empty' | 'never';
  /**
   * Records per write call the CRM accepts (a batch update of 100, a collection of
   * 200): the writer gathers this many before a call, so a full write-back makes the fewest calls.
   * Default 100.
   */
  readonly writeBatchSize?: number;
  /** Writes in CRM-sized batches; one outcome per input, in input order. */
  write(writes: readonly CrmWrite[]): Promise<WriteOutcome[]>;
  /** Creates rep tasks in batches; one outcome per input, in input order. */
  createTasks(tasks: readonly CrmTask[]): Promise<TaskOutcome[]>;
}
