/**
 * Field-level security, decided the way a real org decides it: per user, for the user the request's
 * session runs as (the integration user, or whoever approved the app through OAuth;
 * middleware.ts runAsSessionUser). A custom field created through the Tooling API is granted to no
 * profile: the user cannot see it (absent from describe, INVALID_FIELD in SOQL and in writes) until
 *
 *  - a PermissionSet holds a FieldPermissions row for it (`Field` = `Lead.Leadstage_Score__c`, and for
 *    a Task custom field defined on Activity, `Task.Leadstage_Key__c`), `PermissionsRead` to see it and
 *    `PermissionsEdit` to write it, and
 *  - a PermissionSetAssignment gives that permission set to the user;
 *
 * or an admin grants it on the user's profile (`grantFieldAccess()`, `POST /__sandbox/field-access`,
 * or the `customFieldAccess` start option, which is what the profile grants on every new field).
 *
 * The three permission objects are ordinary sObjects over REST (create, query, delete). Writing them
 * needs "Manage Profiles and Permission Sets" (PermissionSet, FieldPermissions) and "Assign Permission
 * Sets" (PermissionSetAssignment); without them every such record fails with
 * INSUFFICIENT_ACCESS_OR_READONLY (`allowPermissionSets` / `allowPermissionSetAssignment`).
 */
import { RecordError } from './errors';
import { normalizeId } from './ids';
import type { FieldDef } from './object-catalog';
import type { OrgStore, Row, Table } from './org-store';

export type FieldAccess = 'none' | 'read' | 'edit';

export const PERMISSION_OBJECTS: ReadonlySet<string> = new Set(['PermissionSet', 'FieldPermissions', 'PermissionSetAssignment']);

export interface PermissionSettings {
  /** "Manage Profiles and Permission Sets": create, update and delete PermissionSet and FieldPermissions. */
  managePermissionSets: boolean;
  /** "Assign Permission Sets": create and delete PermissionSetAssignment. */
  assignPermissionSets: boolean;
}

const RANK: Record<FieldAccess, number> = { none: 0, read: 1, edit: 2 };
/** A permission set's API name: a letter, then letters, digits and single underscores, not ending in one. */
const DEVELOPER_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;

function insufficientAccess(): RecordError {
  return new RecordError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []);
}

/** The user's current access to a field, as describe shows it. */
function currentAccess(field: FieldDef): FieldAccess {
  if (field.hidden) return 'none';
  return field.updateable || field.createable ? 'edit' : 'read';
}

/**
 * What the permission sets assigned to `userId` grant: `Object.Field` (lower-cased) → access. A
 * FieldPermissions row needs PermissionsRead; PermissionsEdit without it is refused on save.
 */
export function permissionSetAccess(store: OrgStore, userId: string): Map<string, FieldAccess> {
  const sets = new Set<string>();
  for (const row of store.rows('PermissionSetAssignment', { includeDeleted: false })) {
    if (row.AssigneeId === userId && typeof row.PermissionSetId === 'string') sets.add(row.PermissionSetId);
  }
  const out = new Map<string, FieldAccess>();
  for (const row of store.rows('FieldPermissions', { includeDeleted: false })) {
    if (!sets.has(String(row.ParentId)) || row.PermissionsRead !== true) continue;
    const key = String(row.Field).toLowerCase();
    const access: FieldAccess = row.PermissionsEdit === true ? 'edit' : 'read';
    if (RANK[access] > RANK[out.get(key) ?? 'none']) out.set(key, access);
  }
  return out;
}

/**
 * Recomputes the user's access to every Tooling-created field (profile grant or permission sets,
 * whichever gives more) and applies what changed; returns how many fields changed.
 */
export function applyFieldAccess(store: OrgStore, userId: string): number {
  const granted = permissionSetAccess(store, userId);
  let changed = 0;
  for (const def of store.objects()) {
    for (const field of def.fields) {
      if (field.profileAccess === undefined) continue;
      const viaSets = granted.get(`${def.name}.${field.name}`.toLowerCase()) ?? 'none';
      const effective = RANK[viaSets] > RANK[field.profileAccess] ? viaSets : field.profileAccess;
      if (effective === currentAccess(field)) continue;
      store.setFieldAccess(store.table(def.name)!, field, effective);
      changed++;
    }
  }
  return changed;
}

/**
 * Object-specific rules for a permission object's create or update (the generic field checks have
 * passed): the user's permissions, a developer name, `Field` naming a field of `SobjectType`, Edit
 * needing Read, one row per permission set and field, one assignment per user and permission set.
 */
export function checkPermissionRecord(store: OrgStore, settings: PermissionSettings, table: Table, row: Row, selfId?: string): RecordError[] {
  switch (table.def.name) {
    case 'PermissionSet': {
      if (!settings.managePermissionSets) return [insufficientAccess()];
      const name = String(row.Name ?? '');
      if (!DEVELOPER_NAME.test(name) || name.endsWith('_')) {
        return [new RecordError('FIELD_INTEGRITY_EXCEPTION', `The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores: ${name}`, ['Name'])];
      }
      return [];
    }
    case 'FieldPermissions': {
      if (!settings.managePermissionSets) return [insufficientAccess()];
      const sobject = String(row.SobjectType ?? '');
      const path = String(row.Field ?? '');
      const dot = path.indexOf('.');
      const target = dot > 0 ? store.table(path.slice(0, dot)) : undefined;
      const field = target ? store.definedField(target, path.slice(dot + 1)) : undefined;
      if (!target || !field || !permissionable(field)) {
        return [new RecordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Field Name: bad value for restricted picklist field: ${path}`, ['Field'])];
      }
      if (target.def.name.toLowerCase() !== sobject.toLowerCase()) {
        return [new RecordError('FIELD_INTEGRITY_EXCEPTION', `Field ${path} does not belong to SObject Type ${sobject}`, ['SobjectType', 'Field'])];
      }
      if (row.PermissionsEdit === true && row.PermissionsRead !== true) {
        return [new RecordError('FIELD_INTEGRITY_EXCEPTION', 'Permission Edit depends on permission(s): Read', ['PermissionsEdit'])];
      }
      for (const other of store.rows('FieldPermissions', { includeDeleted: false })) {
        if (other.Id !== selfId && other.ParentId === row.ParentId && String(other.Field).toLowerCase() === path.toLowerCase()) {
          return [new RecordError('DUPLICATE_VALUE', `duplicate value found: <unknown> duplicates value on record with id: ${String(other.Id)}`, [])];
        }
      }
      return [];
    }
    case 'PermissionSetAssignment': {
      if (!settings.assignPermissionSets) return [insufficientAccess()];
      const assignee = normalizeId(row.AssigneeId);
      const set = normalizeId(row.PermissionSetId);
      for (const other of store.rows('PermissionSetAssignment', { includeDeleted: false })) {
        if (other.Id !== selfId && other.AssigneeId === assignee && other.PermissionSetId === set) {
          return [new RecordError('DUPLICATE_VALUE', `Duplicate PermissionSetAssignment. Assignee: ${assignee}; Permission Set: ${set}`, [])];
        }
      }
      return [];
    }
    default:
      return [];
  }
}

/** Deleting a permission object needs the same permission as writing it. */
export function mayDeletePermissionRecord(settings: PermissionSettings, table: Table): boolean {
  if (table.def.name === 'PermissionSetAssignment') return settings.assignPermissionSets;
  return settings.managePermissionSets;
}

/** Fields that carry field-level security: custom fields, and standard ones that are neither system nor required. */
function permissionable(field: FieldDef): boolean {
  if (field.custom) return true;
  return field.nillable && !field.calculated && field.type !== 'id' && (field.createable || field.updateable);
}

export const LEADSTAGE_PERMISSION_SET = { Name: 'Leadstage_Integration', Label: 'Leadstage Integration' } as const;
