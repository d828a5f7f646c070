/**
 * A HubSpot webhook delivery's body: a JSON array of events (at most 100 per request), each
 * `{eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber, objectId,
 * propertyName?, propertyValue?, changeSource, sourceId, changeFlag?}`, merges adding
 * `primaryObjectId`, `mergedObjectIds`, `newObjectId`, `numberOfPropertiesMoved` (developer changelog
 * "New subscription types for webhooks"). Generic subscriptions (`object.creation`, …) name the
 * object by `objectTypeId` (`0-1` is a contact). Unknown fields are kept out of the way, not refused:
 * HubSpot adds fields over time, and a refused delivery is retried for a day, then lost.
 *
 * Our own write-back echoes as `changeSource: "INTEGRATION"` with `sourceId` = our app's id (a
 * string, as in every delivery we have seen quoted); user edits carry `CRM_UI` and `userId:<id>`.
 */
import { z } from 'zod';
import type { RecordChange, RecordChangeKind, WebhookParse } from '../../../src/connector/webhooks';

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, 'expected a numeric id')]).transform(String);

const EventSchema = z.looseObject({
  eventId: id,
  subscriptionId: id.optional(),
  portalId: id,
  appId: id.optional(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().regex(/^[a-z_]+\.[A-Za-z]+$/, 'expected "<object>.<event>", e.g. "contact.creation"'),
  attemptNumber: z.number().int().nonnegative().optional(),
  objectId: id,
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullable().optional(),
  changeSource: z.string().optional(),
  sourceId: z.string().nullable().optional(),
  primaryObjectId: id.optional(),
  mergedObjectIds: z.array(id).optional(),
  newObjectId: id.optional(),
});
type HubSpotEvent = z.infer<typeof EventSchema>;

export const DeliverySchema = z.array(EventSchema).min(1, 'expected at least one event').max(1_000, 'expected at most 1,000 events');

const KINDS: Record<string, RecordChangeKind> = {
  creation: 'created',
  // a restored record is back: pulled like a new one
  restore: 'created',
  propertyChange: 'changed',
  deletion: 'deleted',
  merge: 'merged',
  privacyDeletion: 'privacy_deleted',
};

/** HubSpot's object type ids for the generic `object.*` subscriptions (the standard objects). */
const OBJECT_TYPE_IDS: Record<string, string> = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal', '0-5': 'ticket' };

export function parseDelivery(rawBody: Buffer, appId: string): WebhookParse {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    return { ok: false, problems: [`body is not JSON: ${(error as Error).message}`] };
  }
  if (!Array.isArray(json)) return { ok: false, problems: ['body: expected a JSON array of events'] };
  const parsed = DeliverySchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`) };
  }
  return { ok: true, changes: parsed.data.flatMap((event) => toChange(event, appId)) };
}

/** `[3].portalId`, `[0].mergedObjectIds[1]`, or `body`. */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}

function toChange(event: HubSpotEvent, appId: string): RecordChange[] {
  const [prefix, action] = event.subscriptionType.split('.') as [string, string];
  const kind = KINDS[action];
  // association changes, conversations and anything newer: not a person's record changing
  if (!kind) return [];
  const objectType = prefix === 'object' ? (OBJECT_TYPE_IDS[event.objectTypeId ?? ''] ?? event.objectTypeId ?? 'object') : prefix;
  const change: RecordChange = {
    eventId: event.eventId,
    accountId: event.portalId,
    kind,
    recordId: event.objectId,
    objectType,
    fromOurApp: event.changeSource === 'INTEGRATION' && event.sourceId === appId,
    occurredAt: new Date(event.occurredAt).toISOString(),
  };
  if (event.propertyName !== undefined) change.property = event.propertyName;
  if (event.propertyValue !== undefined) change.value = event.propertyValue;
  if (kind === 'merged') {
    // the survivor: a merge that created a new record names it; otherwise the primary one remains
    const survivor = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
    const folded = new Set([...(event.mergedObjectIds ?? []), ...(event.primaryObjectId ? [event.primaryObjectId] : []), event.objectId]);
    folded.delete(survivor);
    change.recordId = survivor;
    change.mergedIds = [...folded];
  }
  return [change];
}
