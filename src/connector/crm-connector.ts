import type { FieldMapping } from './field-mapping';
import { z } from 'zod';
import type { Decision } from '../model/decision';
import type { SlaSnapshot } from '../model/sla-snapshot';
import type { EngagementEvent } from '../model/event';
import type { Person } from '../model/person';
import type { CrmOwner } from '../sla/handoff-planner';
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

/**
 * A record the CRM deleted, deleted at the person's request, or merged into another (the survivor
 * of a merge). What the store does with each is docs/data-protection.md: a deleted record's person
 * is erased unless another live record (in any installation of the workspace) still holds them.
 */
export interface RemovedRecord extends CrmRecordKey {
  /** The surviving record of a merge: the removed record's history joins its person. */
  mergedInto?: CrmRecordKey;
  /**
   * Why it is gone. Default: `merged` when `mergedInto` is set, else `deleted`. `privacy`: the CRM
   * deleted it at the person's request (a privacy or GDPR deletion); erased like a deletion, and
   * audited as a privacy deletion.
   */
  reason?: RemovalReason;
}

export type RemovalReason = 'deleted' | 'merged' | 'privacy';

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
  /**
   * Records deleted (also for privacy) or merged away since the cursor. A merged record's history
   * joins the survivor's person; a deleted one's data is erased unless another record still holds
   * the person (docs/data-protection.md).
   */
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

/**
 * Something about one installation that an admin should see and can fix: a field Leadstage may not
 * write, a value the CRM lacks, a permission the connected user does not have. The connector finds
 * it, keeps going with what it can do, and the jobs record it against the installation, so it is
 * shown with its fix instead of failing a sync or hiding in a log.
 */
export interface InstallationProblem {
  /** Stable within the installation: found again, the same problem updates its entry instead of adding one. */
  key: string;
  /** What kind of problem, in capitals (`FIELD_ACCESS_MISSING`): what a console filters and counts on. */
  code: string;
  /** What is wrong and what it costs, in plain words. */
  message: string;
  /** The exact steps an admin takes to fix it. */
  fix: string;
  /** What the console may list: the fields, values or records concerned; `mappingPage: true` when a mapping change fixes it (the console links there). */
  details?: Record<string, unknown>;
}

/** What setting up the CRM side could not do; the sync goes on without it. */
export interface SchemaSetupResult {
  /** Empty when everything Leadstage needs is in place. */
  problems: InstallationProblem[];
}

/** A field's type in vendor-neutral words, for checking a mapping against the CRM's own schema. */
export type CrmFieldType = 'string' | 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'enumeration' | 'reference' | 'other';

/** One field of a CRM object as the CRM describes it (its properties or describe API). */
export interface CrmFieldDescription {
  name: string;
  label: string;
  type: CrmFieldType;
  /** Whether an API user may set it (not calculated, not read-only). */
  writable: boolean;
  /** The allowed values of a picklist (enumeration), active ones only. */
  options?: ReadonlyArray<{ value: string; label: string }>;
}

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
  /**
   * Creates the CRM-side fields Leadstage writes (property group, custom properties) if missing.
   * What it could not set up, it reports as problems (recorded against the installation) rather than
   * failing; it throws only for what a retry can mend (an outage, the quota).
   */
  ensureSchema(): Promise<SchemaSetupResult | void>;
  /** One page of a stream from a cursor (null: from the beginning). */
  pull(stream: string, cursor: StreamCursor | null, context: PullContext): Promise<PullPage>;
  /**
   * Optional: reads these records by id, as the people stream would map them (a webhook named them).
   * Batched as the CRM allows, every call through the shared request budget. A record that no
   * longer exists is absent from the result, not an error.
   */
  pullRecords?(objectType: CrmObjectType, ids: readonly string[], context: PullContext): Promise<PulledPerson[]>;
  /** The CRM properties that carry a decision (Leadstage's own fields and mapped native ones). */
  propertiesFor(decision: Decision, sla: SlaSnapshot | null): Record<string, string>;
  /**
   * Optional: the fields of one of the connector's object types, live from the CRM's schema, for
   * the console's field mapping (choices and checks). Unknown object type: an empty list.
   */
  describeFields?(objectType: string): Promise<CrmFieldDescription[]>;
  /** Optional: the mapping in effect (the shipped defaults with the installation's own laid over them). */
  effectiveMappings?(): readonly FieldMapping[];
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
  /**
   * Optional: the CRM users who may own records and tasks (active or not), with the zone, manager
   * and teams where the CRM keeps them. Read for the owner directory (src/sla/), which caches it
   * per installation and reads it again at most every few hours, never per handoff. null: the
   * connected user may not read them (a permission or scope the installation lacks).
   */
  listOwners?(): Promise<CrmOwner[] | null>;
  /**
   * Problems found while pulling, writing or creating tasks since the last call (a field deleted
   * meanwhile, a value the CRM refused), each once; the job that made the call records them against
   * the installation.
   */
  takeProblems?(): InstallationProblem[];
}
