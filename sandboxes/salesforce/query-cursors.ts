/**
 * Server-side query cursors. A query whose result does not fit one page keeps its records here and
 * answers `nextRecordsUrl: /services/data/vXX.X/query/<cursorId>-<offset>`, the shape Salesforce
 * uses (`0r8…-2000`). The offset is part of the locator, so fetching the same page twice works (as
 * jsforce's GET retries need). Cursors live 2 days of sandbox time (Salesforce's current rule); at
 * most `maxPerToken` per access token and `MAX_CURSORS` in all are kept (oldest dropped), so memory
 * stays bounded; a dropped or expired cursor answers 400 INVALID_QUERY_LOCATOR.
 */
import { KEY_PREFIXES, makeId } from './ids';
import type { SoqlResultRecord } from './soql';

export interface QueryCursor {
  id: string;
  records: SoqlResultRecord[];
  totalSize: number;
  batchSize: number;
  expiresAt: number;
  owner: string;
}

export const CURSOR_TTL_MS = 2 * 86_400_000;
/** Cursors kept across all tokens (a refresh gives a new token, so per-token caps alone do not bound memory). */
export const MAX_CURSORS = 200;

export class QueryCursors {
  private readonly cursors = new Map<string, QueryCursor>();
  private readonly byOwner = new Map<string, string[]>();
  private sequence = 0;
  dropped = 0;

  constructor(
    private readonly now: () => number,
    private readonly maxPerToken: number,
  ) {}

  open(owner: string, records: SoqlResultRecord[], totalSize: number, batchSize: number): QueryCursor {
    const cursor: QueryCursor = {
      id: makeId(KEY_PREFIXES.QueryLocator, this.sequence++), records, totalSize, batchSize, expiresAt: this.now() + CURSOR_TTL_MS, owner,
    };
    this.cursors.set(cursor.id, cursor);
    const owned = this.byOwner.get(owner) ?? [];
    owned.push(cursor.id);
    while (owned.length > this.maxPerToken) {
      this.cursors.delete(owned.shift()!);
      this.dropped++;
    }
    this.byOwner.set(owner, owned);
    while (this.cursors.size > MAX_CURSORS) {
      this.close(this.cursors.values().next().value!);
      this.dropped++;
    }
    return cursor;
  }

  /** The cursor and offset a locator (`<id>-<offset>`) names, or undefined when unknown or expired. */
  resolve(locator: string): { cursor: QueryCursor; offset: number } | undefined {
    const match = /^([A-Za-z0-9]{18})-(\d+)$/.exec(locator);
    if (!match) return undefined;
    const cursor = this.cursors.get(match[1]!);
    const offset = Number(match[2]);
    if (!cursor || offset > cursor.records.length) return undefined;
    if (this.now() >= cursor.expiresAt) {
      this.close(cursor);
      return undefined;
    }
    return { cursor, offset };
  }

  private close(cursor: QueryCursor): void {
    this.cursors.delete(cursor.id);
    const owned = this.byOwner.get(cursor.owner);
    if (owned) {
      const at = owned.indexOf(cursor.id);
      if (at >= 0) owned.splice(at, 1);
      if (owned.length === 0) this.byOwner.delete(cursor.owner);
    }
  }

  /** Cursors held now. */
  get size(): number {
    return this.cursors.size;
  }
}
