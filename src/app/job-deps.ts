import type { Engine } from '../engine/engine';
import type { Logger } from '../log/logger';
import type { Enqueuer } from '../queue/enqueuer';
import type { Installation, Store } from '../store';
import type { CrmConnector } from '../sync/crm-connector';

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
  installation(workspaceId: string, installationId: string): Promise<Installation>;
  /** How long a claim on outbox writes lasts: a crashed writer's writes are taken over after it. */
  outboxLeaseMs?: number;
  /** Pages one sync job pulls before handing on to the next job (default PAGES_PER_JOB). */
  syncPagesPerJob?: number;
}
