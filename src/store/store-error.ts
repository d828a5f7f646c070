/** Errors a caller can act on: a code to branch on, and a message naming what is wrong. */
export type StoreErrorCode = 'not_found' | 'not_in_workspace' | 'invalid_state' | 'invalid_input';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Postgres SQLSTATE 23503: the composite (workspace_id, …) foreign keys refused a cross-tenant link. */
export function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503';
}
