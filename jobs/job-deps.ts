import type { Engine } from '../src/engine/engine';
import type { Logger } from '../src/log/logger';
import type { Enqueuer } from '../src/queue/enqueuer';
import type { Installation, Store, SubjectHasher } from '../src/store';
import type { ConnectorRegistry } from '../src/connector/connector-registry';
import type { CrmConnector } from '../src/connector/crm-connector';
import type { RecordChangeBuffer } from '../src/queue/record-changes';
import type { RefreshLock } from '../src/connector/refresh-lock';
import type { HandoffPlanner } from '../src/sla/handoff-planner';

/** What every job gets: the store, time, the per-workspace engine, connectors and the queues. */
export interface JobDeps {
  store: Store;
  /** Injected time (ms): jobs never read the wall clock themselves. */
  clock: () => number;
  logger: Logger;
  enqueue: Enqueuer;
  /** The engine compiled from the workspace's published rulebook. */
  engineFor(workspaceId: string): Promise<Engine>;
  connectorFor(installation: Installation): Promise<CrmConnector>;
  /** What each provider's connector can do and how it reads its errors (connectors/registry.ts). */
  connectors: ConnectorRegistry;
  installation(workspaceId: string, installationId: string): Promise<Installation>;
  /** How long a claim on outbox writes lasts: a crashed writer's writes are taken over after it. */
  outboxLeaseMs?: number;
  /** Pages one sync job pulls before handing on to the next job (default PAGES_PER_JOB). */
  syncPagesPerJob?: number;
  /** Changes webhooks announced, waiting for the `records` job (the only job that reads them). */
  recordChanges?: RecordChangeBuffer;
  /**
   * One run at a time per key across every process (a lock in Redis): the tasks job of an
   * installation, whose CRM creates must never run twice side by side (two runs would both find no
   * task under a key and both create it).
   */
  exclusive?: RefreshLock;
  /** Drops what every process cached about an installation (its status or credentials changed). */
  forget?(installationId: string): void;
  /**
   * Who works an SLA handoff, on which calendar, and who hears of it when late (the CRM owner
   * directory). Without it, the record's owner in calendar time in the workspace's zone
   * (src/sla/record-owner-planner.ts).
   */
  handoffPlanner?: HandoffPlanner;
  /** Data protection (docs/data-protection.md); without it the audit has no subject hash and retention uses the defaults. */
  privacy?: PrivacySettings;
}

export interface PrivacySettings {
  /** Keyed hash of an erased person's email for the erasure audit (derived from LEADSTAGE_SECRET_KEY). */
  subjectHash: SubjectHasher;
  /** Days events are kept beyond the rulebook's decay horizon (LEADSTAGE_EVENT_RETENTION_MARGIN_DAYS). */
  eventRetentionMarginDays: number;
  /** Days a resolved per-record error is kept (LEADSTAGE_RECORD_ERROR_RETENTION_DAYS). */
  resolvedErrorRetentionDays: number;
}
