/**
 * Changes to the portal's contacts that are not the app's own API writes: what a CRM user does in
 * HubSpot (edit properties, create, delete, merge, delete for privacy), driven by the admin route
 * `POST /__sandbox/contacts/change`. Each applies to the portal (reads see it at once) and becomes
 * webhook events with the user's `changeSource` (`CRM_UI`, `sourceId: "userId:<id>"`, as HubSpot
 * reports a change made in its UI). The app's own writes (routes/contacts-update.ts) report
 * `changeSource: 'INTEGRATION'` with the app's id as `sourceId` (`apiWriteSource`).
 */
import type { Caller, SandboxContext } from './context';
import { derivedChanges, planContactUpdate, type PropertyProblem } from './contact-writes';
import { PORTAL_USERS } from './oauth';
import { contactId } from './seed';
import type { ChangeSource } from './webhooks';

export interface ContactChangeRequest {
  /** Property edits: explicit `[{id, properties}]`, or `{count, properties, offset?}` for the first `count` live contacts from `offset`. */
  update?: { id: string; properties: Record<string, unknown> }[] | { count: number; properties: Record<string, unknown>; offset?: number };
  /** New contacts (`email` required). */
  create?: { properties: Record<string, unknown> }[];
  delete?: string[];
  /** `mergedId` is merged into `primaryId` (the primary survives). */
  merge?: { primaryId: string; mergedId: string }[];
  /** GDPR deletion: the contact is gone, with a `contact.privacyDeletion` event. */
  privacyDelete?: string[];
  /** Default `CRM_UI`. */
  changeSource?: string;
  /** Default `userId:<id>` of `userId` (default the portal's first user). */
  sourceId?: string;
  userId?: number;
}

export interface ContactChangeResult {
  updated: string[];
  unchanged: string[];
  created: string[];
  deleted: string[];
  merged: { primaryId: string; mergedId: string; numberOfPropertiesMoved: number }[];
  privacyDeleted: string[];
  /** Webhook events queued (0 without webhooks or while the app is not installed). */
  events: number;
}

/** What an API write reports as its source in webhook events. */
export function apiWriteSource(ctx: SandboxContext, caller: Caller): ChangeSource {
  return { changeSource: 'INTEGRATION', sourceId: String(caller.kind === 'oauth' ? ctx.oauth.app.appId : ctx.privateAppId) };
}

/** Queues `contact.propertyChange` events for the values a write changed. */
export function emitPropertyChanges(ctx: SandboxContext, id: string, changes: Record<string, string>, source: ChangeSource): number {
  return ctx.webhooks.emit({ type: 'contact.propertyChange', objectId: id, properties: changes }, source);
}

/** A request that cannot be applied: the problems, none of it applied. */
export class ChangeRejected extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function describe(problems: PropertyProblem[]): string {
  return problems.map((p) => `${p.name}: ${p.message}`).join(', ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the whole request first (unknown ids, invalid values), then applies it in order: create, update, merge, delete, privacy delete. */
export function applyContactChanges(ctx: SandboxContext, input: ContactChangeRequest | unknown): ContactChangeResult {
  const store = ctx.store;
  const problems: string[] = [];
  if (!isObject(input)) throw new ChangeRejected(['body must be a JSON object']);
  const request = input as ContactChangeRequest;
  for (const key of ['create', 'delete', 'merge', 'privacyDelete'] as const) {
    if (request[key] !== undefined && !Array.isArray(request[key])) problems.push(`${key} must be an array`);
  }
  if (request.update !== undefined && !Array.isArray(request.update) && !isObject(request.update)) {
    problems.push('update must be [{id, properties}] or {count, properties, offset?}');
  }
  if (problems.length > 0) throw new ChangeRejected(problems);
  const definitions = (name: string) => store.contactProperties.get(name);
  const live = (id: unknown, where: string): number | undefined => {
    const index = typeof id === 'string' || typeof id === 'number' ? store.contactIndexOf(String(id)) : undefined;
    if (index === undefined) problems.push(`${where}: no live contact ${String(id)}`);
    return index;
  };
  const known = ['update', 'create', 'delete', 'merge', 'privacyDelete', 'changeSource', 'sourceId', 'userId'];
  for (const key of Object.keys(request)) if (!known.includes(key)) problems.push(`unknown field "${key}"; known: ${known.join(', ')}`);
  const userId = request.userId ?? PORTAL_USERS[0]!.id;
  if (!PORTAL_USERS.some((u) => u.id === userId)) problems.push(`userId ${String(request.userId)} is not a user of the portal`);
  const source: ChangeSource = {
    changeSource: request.changeSource ?? 'CRM_UI',
    sourceId: request.sourceId ?? `userId:${userId}`,
  };

  // updates: explicit, or the first `count` live contacts
  const updates: { index: number; properties: Record<string, unknown> }[] = [];
  if (Array.isArray(request.update)) {
    request.update.forEach((u, i) => {
      const index = live(u?.id, `update[${i}]`);
      if (!isObject(u?.properties)) problems.push(`update[${i}].properties must be an object`);
      else if (index !== undefined) updates.push({ index, properties: u.properties });
    });
  } else if (request.update !== undefined) {
    const { count, properties, offset = 0 } = request.update;
    if (!Number.isInteger(count) || count < 1 || count > 100_000) problems.push('update.count must be an integer in [1, 100000]');
    else if (!isObject(properties)) problems.push('update.properties must be an object');
    else {
      for (let index = offset; index < store.contactSlots && updates.length < count; index++) {
        if (!store.isArchived(index)) updates.push({ index, properties });
      }
      if (updates.length < count) problems.push(`update.count: only ${updates.length} live contacts from offset ${offset}`);
    }
  }
  const plans = updates.map(({ index, properties }) => {
    const before = { ...store.contactRecord(index).properties };
    const plan = planContactUpdate(before, properties, definitions);
    if (plan.problems.length > 0) problems.push(`contact ${contactId(index)}: ${describe(plan.problems)}`);
    return { index, before, plan };
  });

  const creates = (request.create ?? []).map((c, i) => {
    if (!isObject(c?.properties)) {
      problems.push(`create[${i}].properties must be an object`);
      return {};
    }
    const plan = planContactUpdate({}, c.properties, definitions);
    if (plan.problems.length > 0) problems.push(`create[${i}]: ${describe(plan.problems)}`);
    if (!plan.changes.email) problems.push(`create[${i}]: email is required`);
    return plan.changes;
  });
  const merges = (request.merge ?? []).map((m, i) => {
    const primary = live(m?.primaryId, `merge[${i}].primaryId`);
    const merged = live(m?.mergedId, `merge[${i}].mergedId`);
    if (primary !== undefined && primary === merged) problems.push(`merge[${i}]: a contact cannot be merged into itself`);
    return { primary, merged };
  });
  const deletes = (request.delete ?? []).map((id, i) => live(id, `delete[${i}]`));
  const privacy = (request.privacyDelete ?? []).map((id, i) => live(id, `privacyDelete[${i}]`));
  const gone = [...merges.map((m) => m.merged), ...deletes, ...privacy].filter((i): i is number => i !== undefined);
  if (new Set(gone).size !== gone.length) problems.push('a contact may be merged away, deleted or privacy-deleted only once per request');
  if (problems.length > 0) throw new ChangeRejected(problems);

  const nowIso = new Date(ctx.clock.now()).toISOString();
  const result: ContactChangeResult = { updated: [], unchanged: [], created: [], deleted: [], merged: [], privacyDeleted: [], events: 0 };
  for (const values of creates) {
    const index = store.createContact(values, nowIso);
    const id = contactId(index);
    result.created.push(id);
    result.events += ctx.webhooks.emit({ type: 'contact.creation', objectId: id }, source);
  }
  for (const { index, before, plan } of plans) {
    const id = contactId(index);
    if (Object.keys(plan.changes).length === 0) {
      result.unchanged.push(id);
      continue;
    }
    const changes = { ...plan.changes, ...derivedChanges(before, plan.changes, nowIso) };
    store.writeContact(index, changes);
    result.updated.push(id);
    result.events += emitPropertyChanges(ctx, id, changes, source);
  }
  for (const { primary, merged } of merges) {
    const moved = store.mergeContacts(primary!, merged!, nowIso);
    const entry = { primaryId: contactId(primary!), mergedId: contactId(merged!), numberOfPropertiesMoved: moved.length };
    result.merged.push(entry);
    result.events += ctx.webhooks.emit({
      type: 'contact.merge', primaryObjectId: entry.primaryId, mergedObjectIds: [entry.mergedId], numberOfPropertiesMoved: moved.length,
    }, source);
  }
  for (const index of deletes) {
    store.archiveContact(index!);
    result.deleted.push(contactId(index!));
    result.events += ctx.webhooks.emit({ type: 'contact.deletion', objectId: contactId(index!) }, source);
  }
  for (const index of privacy) {
    store.archiveContact(index!);
    result.privacyDeleted.push(contactId(index!));
    result.events += ctx.webhooks.emit({ type: 'contact.privacyDeletion', objectId: contactId(index!) }, source);
  }
  return result;
}
