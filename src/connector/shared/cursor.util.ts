/**
 * Reading a stored StreamCursor back. Cursors are JSON in the store, so a field is checked on the
 * way in and a malformed cursor fails with the stream and field named, instead of restarting a sync.
 */
import type { StreamCursor } from '../crm-connector';

export class CursorError extends Error {
  override readonly name = 'CursorError';
}

export function cursorNumber(cursor: StreamCursor, stream: string, field: string): number;
export function cursorNumber(cursor: StreamCursor, stream: string, field: string, optional: true): number | null;
export function cursorNumber(cursor: StreamCursor, stream: string, field: string, optional = false): number | null {
  const value = cursor[field];
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CursorError(`${stream} cursor: "${field}" must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function cursorString(cursor: StreamCursor, stream: string, field: string): string | null {
  const value = cursor[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new CursorError(`${stream} cursor: "${field}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}
