/**
 * `POST /crm/v3/objects/calls` (201): a rep logs a call. `hs_timestamp` is required (when the call
 * happened); properties are checked against the calls catalog and owners; an inline association
 * links it to a contact only with `{associationCategory:'HUBSPOT_DEFINED', associationTypeId:194}`
 * (call→contact). The call then shows in search, batch read and associations like the seeded ones.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { toApiObject } from '../crm-view';
import { validationError } from '../errors';
import { OBJECT_PROPERTY_TYPES } from '../property-catalog';
import { OWNERS } from '../seed-catalog';

export const CALL_TO_CONTACT_TYPE_ID = 194;
const WRITABLE = new Set(Object.keys(OBJECT_PROPERTY_TYPES.calls!).filter((n) => !['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'].includes(n)));
const OWNER_IDS = new Set<string>(OWNERS.map((o) => o.id));

export function callsRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.post('/crm/v3/objects/calls', (req, res) => {
    const input = (req.body ?? {}) as Record<string, unknown>;
    const props = input.properties;
    if (typeof props !== 'object' || props === null || Array.isArray(props)) throw validationError('properties must be an object');
    const properties: Record<string, string> = {};
    for (const [name, value] of Object.entries(props as Record<string, unknown>)) {
      if (!WRITABLE.has(name)) throw validationError(`Property "${name}" does not exist on calls`, { context: { propertyName: [name] } });
      if (value !== null && value !== undefined) properties[name] = String(value);
    }
    const timestamp = properties.hs_timestamp;
    if (timestamp === undefined || timestamp === '') throw validationError('hs_timestamp is required for calls', { context: { propertyName: ['hs_timestamp'] } });
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
        return associationCategory === 'HUBSPOT_DEFINED' && Number(associationTypeId) === CALL_TO_CONTACT_TYPE_ID;
      });
      if (!linksContact) return;
      const index = ctx.store.contactIndexOf(String(toId));
      if (index === undefined) throw validationError(`associations[${a}]: contact ${String(toId)} does not exist`, { context: { ids: [String(toId)] } });
      contactIndex = index;
    });
    const record = ctx.store.logCall(properties, contactIndex, new Date(ctx.clock.now()).toISOString());
    res.status(201).json(toApiObject(record, ctx.store.collection('calls'), Object.keys(record.properties)));
  });
  return router;
}
