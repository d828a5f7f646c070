/**
 * `POST /crm/v3/objects/calls` and `POST /crm/v3/objects/emails` (201): a rep logs a call, or logs
 * (or sends) an email. `hs_timestamp` is required (when it happened); properties are checked against
 * the object's catalog, its enumerations and the owners; an inline association links it to a contact
 * only with `{associationCategory:'HUBSPOT_DEFINED', associationTypeId}` of that object to contacts
 * (call→contact 194, email→contact 198). The record then shows in search, batch read and
 * associations like the seeded ones.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import type { CrmRecord } from '../crm-record';
import { toApiObject } from '../crm-view';
import { validationError } from '../errors';
import { EMAIL_ENUMS, OBJECT_PROPERTY_TYPES } from '../property-catalog';
import { OWNERS } from '../seed-catalog';

export const CALL_TO_CONTACT_TYPE_ID = 194;
export const EMAIL_TO_CONTACT_TYPE_ID = 198;
const OWNER_IDS = new Set<string>(OWNERS.map((o) => o.id));
const SYSTEM = ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];

interface LoggedKind {
  objectType: 'calls' | 'emails';
  toContactTypeId: number;
  enums: Readonly<Record<string, readonly string[]>>;
  log(ctx: SandboxContext, properties: Record<string, string>, contactIndex: number | undefined, nowIso: string): CrmRecord;
}

const KINDS: readonly LoggedKind[] = [
  { objectType: 'calls', toContactTypeId: CALL_TO_CONTACT_TYPE_ID, enums: {}, log: (ctx, p, c, now) => ctx.store.logCall(p, c, now) },
  { objectType: 'emails', toContactTypeId: EMAIL_TO_CONTACT_TYPE_ID, enums: EMAIL_ENUMS, log: (ctx, p, c, now) => ctx.store.logEmail(p, c, now) },
];

function loggedEngagement(ctx: SandboxContext, router: Router, kind: LoggedKind): void {
  const { objectType } = kind;
  const writable = new Set(Object.keys(OBJECT_PROPERTY_TYPES[objectType]!).filter((n) => !SYSTEM.includes(n)));
  router.post(`/crm/v3/objects/${objectType}`, (req, res) => {
    const input = (req.body ?? {}) as Record<string, unknown>;
    const props = input.properties;
    if (typeof props !== 'object' || props === null || Array.isArray(props)) throw validationError('properties must be an object');
    const properties: Record<string, string> = {};
    for (const [name, value] of Object.entries(props as Record<string, unknown>)) {
      if (!writable.has(name)) throw validationError(`Property "${name}" does not exist on ${objectType}`, { context: { propertyName: [name] } });
      if (value === null || value === undefined) continue;
      const allowed = kind.enums[name];
      if (allowed && !allowed.includes(String(value))) {
        throw validationError(`Property values were not valid: ${name} "${String(value)}" is not one of the allowed options: ${allowed.join(', ')}`, { context: { propertyName: [name] } });
      }
      properties[name] = String(value);
    }
    const timestamp = properties.hs_timestamp;
    if (timestamp === undefined || timestamp === '') throw validationError(`hs_timestamp is required for ${objectType}`, { context: { propertyName: ['hs_timestamp'] } });
    const ms = /^-?\d+$/.test(timestamp) ? Number(timestamp) : Date.parse(timestamp);
    if (Number.isNaN(ms)) throw validationError(`hs_timestamp "${timestamp}" is not epoch milliseconds or an ISO 8601 date-time`);
    properties.hs_timestamp = new Date(ms).toISOString();
    if (properties.hubspot_owner_id !== undefined && !OWNER_IDS.has(properties.hubspot_owner_id)) {
      throw validationError(`hubspot_owner_id ${properties.hubspot_owner_id} is not a valid owner id`);
    }
    let contactIndex: number | undefined;
    const associations = input.associations ?? [];
    if (!Array.isArray(associations)) throw validationError('associations must be an array');
    associations.forEach((assoc, a) => {
      const { to, types } = (assoc ?? {}) as { to?: { id?: unknown }; types?: unknown };
      const toId = to?.id;
      if (typeof toId !== 'string' && typeof toId !== 'number') throw validationError(`associations[${a}].to.id is required`);
      if (!Array.isArray(types) || types.length === 0) throw validationError(`associations[${a}].types must be a non-empty array`);
      const linksContact = types.some((t) => {
        const { associationCategory, associationTypeId } = (t ?? {}) as Record<string, unknown>;
        return associationCategory === 'HUBSPOT_DEFINED' && Number(associationTypeId) === kind.toContactTypeId;
      });
      if (!linksContact) return;
      const index = ctx.store.contactIndexOf(String(toId));
      if (index === undefined) throw validationError(`associations[${a}]: contact ${String(toId)} does not exist`, { context: { ids: [String(toId)] } });
      contactIndex = index;
    });
    const record = kind.log(ctx, properties, contactIndex, new Date(ctx.clock.now()).toISOString());
    res.status(201).json(toApiObject(record, ctx.store.collection(objectType), Object.keys(record.properties)));
  });
}

export function loggedEngagementsRouter(ctx: SandboxContext): Router {
  const router = Router();
  for (const kind of KINDS) loggedEngagement(ctx, router, kind);
  return router;
}
