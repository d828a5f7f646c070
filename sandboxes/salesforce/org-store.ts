/**
 * The org's data: one table per sObject (rows keyed by 18-character id, in creation order), the
 * object definitions with any custom fields added through the Tooling API, and unique-field
 * indexes. It is the SOQL module's data source, and the only place rows change, so every change
 * keeps the unique indexes right and can be undone (allOrNone rollback).
 *
 * Rows are plain objects keyed by API name and always carry every described field (null when
 * empty), so each table's rows share one shape; datetimes are Salesforce strings
 * (`2026-11-27T12:00:00.000+0000`), dates `YYYY-MM-DD`.
 */
import { IdSequence, keyPrefixOf, normalizeId } from './ids';
import type { FieldDef, ObjectDef } from './object-catalog';
import type { SoqlDataSource, SoqlFieldType, SoqlObjectDescribe, SoqlRow } from './soql';
import { parseSfTime } from './sf-time';

export type Row = Record<string, unknown>;

export interface Table {
  def: ObjectDef;
  fields: Map<string, FieldDef>;
  rows: Map<string, Row>;
  /** Unique fields: value (lower-cased unless case-sensitive) → id of the live record holding it. */
  unique: Map<string, Map<string, string>>;
  /** Unique fields whose values compare case-sensitively. */
  caseSensitive: Set<string>;
  /** Makes a row with every field empty; one object literal, so all rows share one (fast) shape. */
  blank: () => Row;
}

/** Undoes one change (allOrNone rollback). */
export type Undo = () => void;

function soqlType(field: FieldDef): SoqlFieldType {
  return field.type === 'combobox' ? 'string' : field.type;
}

function emptyValue(field: FieldDef): unknown {
  return field.type === 'boolean' ? (field.defaultValue === true) : null;
}

function uniqueKey(table: Table, field: string, value: unknown): string {
  return table.caseSensitive.has(field) ? String(value) : String(value).toLowerCase();
}

/** A write whose transaction has not committed yet: queries see `before` (nothing, for a create) until `visibleAt`. */
interface PendingCommit {
  visibleAt: number;
  before: Row | null;
}

export class OrgStore implements SoqlDataSource {
  readonly ids = new IdSequence();
  /** Rows written by transactions still running (faults.lateCommitNext), by id. */
  private readonly pending = new Map<string, PendingCommit>();
  /** Sandbox time, for late commits (set by the server). */
  clock: () => number = () => Number.POSITIVE_INFINITY;
  private readonly tables = new Map<string, Table>();
  private readonly byPrefix = new Map<string, Table>();
  private readonly soqlDescribes = new Map<string, SoqlObjectDescribe>();

  constructor(defs: ObjectDef[]) {
    for (const def of defs) {
      const table: Table = { def, fields: new Map(), rows: new Map(), unique: new Map(), caseSensitive: new Set(), blank: () => ({}) };
      this.tables.set(def.name.toLowerCase(), table);
      this.byPrefix.set(def.keyPrefix, table);
      this.indexFields(table);
    }
  }

  private indexFields(table: Table): void {
    table.fields.clear();
    const literal: string[] = [];
    for (const field of table.def.fields) {
      // fields without read access are stored but not addressable, as for a user without FLS
      if (!field.hidden) table.fields.set(field.name.toLowerCase(), field);
      literal.push(`${JSON.stringify(field.name)}: ${JSON.stringify(emptyValue(field))}`);
      if (field.unique && !table.unique.has(field.name)) table.unique.set(field.name, new Map());
      if (field.caseSensitive) table.caseSensitive.add(field.name);
    }
    // Spreading a 40-field template is ten times slower and leaves rows in dictionary mode.
    table.blank = new Function(`return { ${literal.join(', ')} };`) as () => Row;
    this.soqlDescribes.delete(table.def.name.toLowerCase());
  }

  /** The table of an sObject (case-insensitive), or undefined. */
  table(sobject: string): Table | undefined {
    return this.tables.get(sobject.toLowerCase());
  }

  objects(): ObjectDef[] {
    return [...this.tables.values()].map((t) => t.def);
  }

  /** A field the integration user can see (case-insensitive), or undefined. */
  field(table: Table, name: string): FieldDef | undefined {
    return table.fields.get(name.toLowerCase());
  }

  /** A field whether or not the user can see it (a Tooling API duplicate check sees them all). */
  definedField(table: Table, name: string): FieldDef | undefined {
    return table.def.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  }

  /** Changes a custom field's field-level security for the integration user. */
  setFieldAccess(table: Table, field: FieldDef, access: 'edit' | 'read' | 'none'): void {
    field.hidden = access === 'none';
    field.createable = access === 'edit';
    field.updateable = access === 'edit';
    this.indexFields(table);
  }

  /** A record by id (15 or 18 characters), deleted ones included. */
  find(id: string): { table: Table; row: Row } | undefined {
    const normalized = normalizeId(id);
    if (!normalized) return undefined;
    const table = this.byPrefix.get(keyPrefixOf(normalized));
    const row = table?.rows.get(normalized);
    return table && row ? { table, row } : undefined;
  }

  /** The sObject an id's key prefix belongs to. */
  tableOfId(id: string): Table | undefined {
    return this.byPrefix.get(keyPrefixOf(id));
  }

  // --- SoqlDataSource ---------------------------------------------------------------------------

  describe(sobject: string): SoqlObjectDescribe | undefined {
    const key = sobject.toLowerCase();
    const cached = this.soqlDescribes.get(key);
    if (cached) return cached;
    const table = this.tables.get(key);
    if (!table) return undefined;
    // one object per table version: the SOQL module caches its name index per describe object
    const describe: SoqlObjectDescribe = {
      name: table.def.name,
      fields: table.def.fields.filter((f) => !f.hidden).map((f) => ({
        name: f.name,
        type: soqlType(f),
        ...(f.relationshipName ? { relationshipName: f.relationshipName, referenceTo: f.referenceTo } : {}),
      })),
      childRelationships: table.def.childRelationships,
    };
    this.soqlDescribes.set(key, describe);
    return describe;
  }

  *rows(sobject: string, options: { includeDeleted: boolean }): Iterable<SoqlRow> {
    const table = this.table(sobject);
    if (!table) return;
    const all = options.includeDeleted || !table.def.softDelete;
    // archived activities are in queryAll only, like deleted rows
    const archivable = !options.includeDeleted && table.fields.has('isarchived');
    if (this.pending.size === 0 && !archivable) {
      if (all) yield* table.rows.values();
      else for (const row of table.rows.values()) if (row.IsDeleted !== true) yield row;
      return;
    }
    for (const stored of table.rows.values()) {
      const row = this.committed(stored);
      if (row && (all || row.IsDeleted !== true) && !(archivable && row.IsArchived === true)) yield row;
    }
  }

  byId(id: string): { sobject: string; row: SoqlRow } | undefined {
    const found = this.find(id);
    const row = found ? this.committed(found.row) : null;
    return found && row ? { sobject: found.table.def.name, row } : undefined;
  }

  /**
   * A write whose transaction commits `delayMs` after its stamp: until then reads see `before`
   * (null: the row does not exist yet). Writes themselves see the new row (as the transaction does).
   */
  commitLate(id: string, before: Row | null, visibleAt: number): void {
    const earlier = this.pending.get(id);
    // a second late write of a row still pending keeps the first one's "before"
    this.pending.set(id, { visibleAt: Math.max(visibleAt, earlier?.visibleAt ?? 0), before: earlier ? earlier.before : before });
  }

  /** When the oldest transaction still running started (its rows' stamp), or null when none is. */
  oldestRunningTransaction(): number | null {
    let oldest: number | null = null;
    for (const [id, pending] of this.pending) {
      if (this.clock() >= pending.visibleAt) continue;
      const row = this.find(id)?.row;
      const started = row ? parseSfTime(String(row.SystemModstamp)) : Number.NaN;
      if (Number.isFinite(started) && (oldest === null || started < oldest)) oldest = started;
    }
    return oldest;
  }

  /** The row as queries see it now: the stored one, or what it was before a write not yet committed. */
  committed(row: Row): Row | null {
    if (this.pending.size === 0) return row;
    const id = row.Id as string;
    const pending = this.pending.get(id);
    if (!pending) return row;
    if (this.clock() >= pending.visibleAt) {
      this.pending.delete(id);
      return row;
    }
    return pending.before;
  }

  // --- changes --------------------------------------------------------------------------------

  /** A new row of this table with every field empty (null, booleans at their default). */
  blank(table: Table): Row {
    return table.blank();
  }

  /** Adds a row for good (seeding): no undo, no unique check. */
  add(table: Table, row: Row): void {
    const id = row.Id as string;
    table.rows.set(id, row);
    if (table.unique.size > 0) this.indexUnique(table, row, id);
  }

  /** Adds a row (its Id already set) and says how to take it back (allOrNone rollback). */
  insert(table: Table, row: Row): Undo {
    const id = row.Id as string;
    table.rows.set(id, row);
    if (table.unique.size === 0) return () => void table.rows.delete(id);
    const undoIndex = this.indexUnique(table, row, id);
    return () => {
      table.rows.delete(id);
      undoIndex();
    };
  }

  /** Sets fields on a row, keeping unique indexes; returns how to put the old values back. */
  update(table: Table, row: Row, changes: Row): Undo {
    const previous: Row = {};
    const undos: Undo[] = [];
    for (const [name, value] of Object.entries(changes)) {
      previous[name] = row[name];
      const index = table.unique.get(name);
      if (index && row.IsDeleted !== true) {
        const id = row.Id as string;
        const oldValue = row[name];
        if (oldValue !== null && oldValue !== undefined && index.get(uniqueKey(table, name, oldValue)) === id) {
          index.delete(uniqueKey(table, name, oldValue));
          undos.push(() => index.set(uniqueKey(table, name, oldValue), id));
        }
        if (value !== null && value !== undefined) {
          const key = uniqueKey(table, name, value);
          const holder = index.get(key);
          index.set(key, id);
          undos.push(() => (holder === undefined ? index.delete(key) : index.set(key, holder)));
        }
      }
      row[name] = value;
    }
    return () => {
      Object.assign(row, previous);
      for (const undo of undos.reverse()) undo();
    };
  }

  /** Soft delete: IsDeleted = true (visible to queryAll), unique values released. */
  softDelete(table: Table, row: Row, stamp: string): Undo {
    const undoUnique = this.unindexUnique(table, row);
    const undoFields = this.update(table, row, { IsDeleted: true, SystemModstamp: stamp });
    return () => {
      undoFields();
      undoUnique();
    };
  }

  /** Hard delete, for objects without a recycle bin (setup objects such as PermissionSetAssignment). */
  remove(table: Table, row: Row): Undo {
    const undoUnique = this.unindexUnique(table, row);
    const id = row.Id as string;
    table.rows.delete(id);
    return () => {
      table.rows.set(id, row);
      undoUnique();
    };
  }

  /** The live record holding a unique value, if any. */
  uniqueHolder(table: Table, field: string, value: unknown): string | undefined {
    return table.unique.get(field)?.get(uniqueKey(table, field, value));
  }

  private indexUnique(table: Table, row: Row, id: string): Undo {
    if (table.unique.size === 0 || row.IsDeleted === true) return () => undefined;
    const added: [Map<string, string>, string][] = [];
    for (const [name, index] of table.unique) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      index.set(uniqueKey(table, name, value), id);
      added.push([index, uniqueKey(table, name, value)]);
    }
    return () => {
      for (const [index, key] of added) if (index.get(key) === id) index.delete(key);
    };
  }

  private unindexUnique(table: Table, row: Row): Undo {
    const removed: [Map<string, string>, string, string][] = [];
    for (const [name, index] of table.unique) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      const key = uniqueKey(table, name, value);
      const holder = index.get(key);
      if (holder !== undefined && holder === row.Id) {
        index.delete(key);
        removed.push([index, key, holder]);
      }
    }
    return () => {
      for (const [index, key, holder] of removed) index.set(key, holder);
    };
  }

  /** Deletes a custom field: gone from describe, SOQL and writes, and from every row. */
  removeField(table: Table, field: FieldDef): void {
    table.def.fields = table.def.fields.filter((f) => f !== field);
    for (const row of table.rows.values()) delete row[field.name];
    table.unique.delete(field.name);
    table.caseSensitive.delete(field.name);
    this.indexFields(table);
  }

  /** Adds a custom field: described from now on, empty on every existing row. */
  addField(table: Table, field: FieldDef): void {
    table.def.fields.push(field);
    const empty = emptyValue(field);
    for (const row of table.rows.values()) row[field.name] = empty;
    this.indexFields(table);
  }
}
