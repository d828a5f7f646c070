/**
 * `POST /crm/v3/objects/tasks/batch/create` (≤100 inputs; 201). `hs_timestamp` is required; enums
 * are validated; inline associations link the task to a contact only with
 * `{associationCategory:'HUBSPOT_DEFINED', associationTypeId:204}` (task→contact). Any other type id
 * creates the task *without* the association, silently, as HubSpot did in SDK issue #376.
 * Reading tasks back goes through the generic object routes (list, search, batch read).
 */
import { Router } from 'express';
import { batchTimes, type SandboxContext } from '../context';
import { toApiObject } from '../crm-view';
import { validationError } from '../errors';
import { OBJECT_PROPERTY_TYPES, TASK_ENUMS } from '../property-catalog';
import { OWNERS } from '../seed-catalog';
import { checkBatchSize } from './crm-objects';

export const TASK_TO_CONTACT_TYPE_ID = 204;
const WRITABLE = new Set(
  Object.keys(OBJECT_PROPERTY_TYPES.tasks!).filter((n) => !['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'].includes(n)),
);
const OWNER_IDS = new Set<string>(OWNERS.map((o) => o.id));

interface TaskInput {
  properties: Record<string, string>;
  contactIds: string[];
}

function parseTaskInput(ctx: SandboxContext, raw: unknown, i: number): TaskInput {
  const where = `inputs[${i}]`;
  const input = (raw ?? {}) as Record<string, unknown>;
  const props = input.properties;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) throw validationError(`${where}.properties must be an object`);
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(props as Record<string, unknown>)) {
    if (!WRITABLE.has(name)) throw validationError(`${where}: Property "${name}" does not exist on tasks`, { context: { propertyName: [name] } });
    if (value === null || value === undefined) continue;
    properties[name] = String(value);
  }
  const timestamp = properties.hs_timestamp;
  if (timestamp === undefined || timestamp === '') {
    throw validationError(`${where}: hs_timestamp is required for tasks`, { context: { propertyName: ['hs_timestamp'] } });
  }
  for (const name of ['hs_timestamp', 'hs_task_reminders']) {
    const value = properties[name];
    if (value === undefined) continue;
    const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isNaN(ms)) throw validationError(`${where}: ${name} "${value}" is not epoch milliseconds or an ISO 8601 date-time`);
    properties[name] = new Date(ms).toISOString();
  }
  for (const [name, allowed] of Object.entries(TASK_ENUMS)) {
    const value = properties[name];
    if (value !== undefined && !allowed.includes(value)) {
      throw validationError(`${where}: ${value} was not one of the allowed options for ${name}: ${allowed.join(', ')}`);
    }
  }
  if (properties.hubspot_owner_id !== undefined && !OWNER_IDS.has(properties.hubspot_owner_id)) {
    throw validationError(`${where}: hubspot_owner_id ${properties.hubspot_owner_id} is not a valid owner id`);
  }

  const contactIds: string[] = [];
  const associations = input.associations ?? [];
  if (!Array.isArray(associations)) throw validationError(`${where}.associations must be an array`);
  associations.forEach((assoc, a) => {
    const { to, types } = (assoc ?? {}) as { to?: { id?: unknown }; types?: unknown };
    const toId = to?.id;
    if (typeof toId !== 'string' && typeof toId !== 'number') throw validationError(`${where}.associations[${a}].to.id is required`);
    if (!Array.isArray(types) || types.length === 0) throw validationError(`${where}.associations[${a}].types must be a non-empty array`);
    const linksContact = types.some((t) => {
      const { associationCategory, associationTypeId } = (t ?? {}) as Record<string, unknown>;
      return associationCategory === 'HUBSPOT_DEFINED' && Number(associationTypeId) === TASK_TO_CONTACT_TYPE_ID;
    });
    if (!linksContact) return; // wrong type id: created, not associated (issue #376)
    if (ctx.store.contactIndexOf(String(toId)) === undefined) {
      throw validationError(`${where}.associations[${a}]: contact ${String(toId)} does not exist`, { context: { ids: [String(toId)] } });
    }
    contactIds.push(String(toId));
  });
  return { properties, contactIds };
}

export function tasksRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.post('/crm/v3/objects/tasks/batch/create', (req, res) => {
    const started = ctx.clock.now();
    const inputs = checkBatchSize(((req.body ?? {}) as Record<string, unknown>).inputs);
    // HubSpot validates the whole batch before creating anything.
    const parsed = inputs.map((raw, i) => parseTaskInput(ctx, raw, i));
    const nowIso = new Date(ctx.clock.now()).toISOString();
    const results = parsed.map(({ properties, contactIds }) => {
      const id = ctx.store.nextTaskId();
      const record = {
        id,
        createdAt: nowIso,
        updatedAt: nowIso,
        properties: {
          hs_task_status: 'NOT_STARTED',
          hs_task_priority: 'NONE',
          hs_task_type: 'TODO',
          ...properties,
          hs_object_id: id,
          hs_createdate: nowIso,
          hs_lastmodifieddate: nowIso,
        },
      };
      ctx.store.tasks.add(record);
      for (const contact of contactIds) ctx.store.associateTask(id, contact);
      ctx.stats.write('tasksCreated');
      ctx.stats.write('taskAssociationsCreated', contactIds.length);
      return toApiObject(record, ctx.store.tasks, Object.keys(record.properties));
    });
    res.status(201).json({ status: 'COMPLETE', results, ...batchTimes(ctx, started) });
  });
  return router;
}
