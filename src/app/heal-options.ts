/** Self-healing bounds (readiness, reconcile), kept apart so the runtime can carry them without importing self-heal.ts. */
export interface HealOptions {
  /** Writes waiting longer than this make /readyz say the write-back is stuck (default PENDING_WRITE_BOUND_MS, 30 min). */
  pendingWriteBoundMs?: number;
  /** How often a re-created incremental sync scheduler fires (default SYNC_EVERY_MS, 5 min). */
  syncEveryMs?: number;
}
