/**
 * Contact properties and property groups (`/crm/v3/properties/contacts…`). Creating a property or
 * group that exists answers 409 (there is no idempotency key: connectors GET, then POST, and treat
 * 409 as "already there", reference §1.6). Creation input is validated field by field.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { conflict, HubSpotError, notFound, validationError } from '../errors';
import { FIELD_TYPES, PROPERTY_TYPES, type FieldType, type PropertyDefinition, type PropertyType } from '../property-catalog';

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Field types HubSpot accepts for each property type. */
const FIELD_TYPES_FOR: Record<PropertyType, readonly FieldType[]> = {
  string: ['text', 'textarea', 'phonenumber', 'html', 'file', 'calculation_equation'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  bool: ['booleancheckbox', 'calculation_equation'],
};

interface FieldProblem {
  message: string;
  code: string;
  context: { propertyName: string[] };
}

function problem(field: string, code: string, message: string): FieldProblem {
  return { message, code, context: { propertyName: [field] } };
}

function requireContacts(objectType: string | undefined): void {
  if (objectType !== 'contacts' && objectType !== 'contact' && objectType !== '0-1') {
    throw notFound(`The sandbox serves properties for contacts only, not "${objectType}"`);
  }
}

export function propertiesRouter(ctx: SandboxContext): Router {
  const router = Router();
  const store = ctx.store;

  router.get('/crm/v3/properties/:objectType/groups', (req, res) => {
    requireContacts(req.params.objectType);
    res.json({ results: [...store.contactGroups.values()] });
  });

  router.get('/crm/v3/properties/:objectType/groups/:groupName', (req, res) => {
    requireContacts(req.params.objectType);
    const group = store.contactGroups.get(req.params.groupName);
    if (!group) throw notFound(`Unable to find property group ${req.params.groupName}`);
    res.json(group);
  });

  router.post('/crm/v3/properties/:objectType/groups', (req, res) => {
    requireContacts(req.params.objectType);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: FieldProblem[] = [];
    if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name)) {
      problems.push(problem('name', 'INVALID_NAME', 'name is required: lowercase letters, digits and underscores, starting with a letter'));
    }
    if (typeof body.label !== 'string' || body.label.trim() === '') problems.push(problem('label', 'REQUIRED_FIELD', 'label is required'));
    if (body.displayOrder !== undefined && !Number.isInteger(body.displayOrder)) {
      problems.push(problem('displayOrder', 'INVALID_INTEGER', 'displayOrder must be an integer'));
    }
    if (problems.length > 0) throw validationError('Invalid property group definition', { errors: problems });
    const name = body.name as string;
    if (store.contactGroups.has(name)) throw conflict(`A property group named '${name}' already exists.`);
    const group = { name, label: body.label as string, displayOrder: (body.displayOrder as number | undefined) ?? -1, archived: false };
    store.contactGroups.set(name, group);
    ctx.stats.write('propertyGroupsCreated');
    res.status(201).json(group);
  });

  router.get('/crm/v3/properties/:objectType', (req, res) => {
    requireContacts(req.params.objectType);
    res.json({ results: [...store.contactProperties.values()] });
  });

  router.get('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    requireContacts(req.params.objectType);
    const property = store.contactProperties.get(req.params.propertyName);
    if (!property) {
      throw new HubSpotError(404, {
        status: 'error', message: `Unable to find property ${req.params.propertyName}`, category: 'OBJECT_NOT_FOUND',
        context: { propertyName: [req.params.propertyName] },
      });
    }
    res.json(property);
  });

  // archiving a custom property (Settings → Properties → Archive): writes naming it fail with
  // PROPERTY_DOESNT_EXIST from then on; HubSpot's own properties cannot be archived
  router.delete('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    requireContacts(req.params.objectType);
    const name = req.params.propertyName;
    const property = store.contactProperties.get(name);
    if (!property) {
      throw new HubSpotError(404, { status: 'error', message: `Unable to find property ${name}`, category: 'OBJECT_NOT_FOUND', context: { propertyName: [name] } });
    }
    if (property.hubspotDefined) throw validationError(`Property ${name} is a HubSpot default property and cannot be archived`, { context: { propertyName: [name] } });
    store.contactProperties.delete(name);
    res.status(204).end();
  });

  router.post('/crm/v3/properties/:objectType', (req, res) => {
    requireContacts(req.params.objectType);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: FieldProblem[] = [];
    const { name, label, type, fieldType, groupName } = body;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      problems.push(problem('name', 'INVALID_NAME', 'name is required: lowercase letters, digits and underscores, starting with a letter'));
    }
    if (typeof label !== 'string' || label.trim() === '') problems.push(problem('label', 'REQUIRED_FIELD', 'label is required'));
    if (!PROPERTY_TYPES.includes(type as PropertyType)) {
      problems.push(problem('type', 'INVALID_ENUM', `type must be one of ${PROPERTY_TYPES.join(', ')}; got ${String(type)}`));
    }
    if (!FIELD_TYPES.includes(fieldType as FieldType)) {
      problems.push(problem('fieldType', 'INVALID_ENUM', `fieldType must be one of ${FIELD_TYPES.join(', ')}; got ${String(fieldType)}`));
    } else if (PROPERTY_TYPES.includes(type as PropertyType) && !FIELD_TYPES_FOR[type as PropertyType].includes(fieldType as FieldType)) {
      problems.push(problem('fieldType', 'INVALID_FIELD_TYPE', `fieldType ${String(fieldType)} cannot be used with type ${String(type)}`));
    }
    if (typeof groupName !== 'string' || groupName === '') {
      problems.push(problem('groupName', 'REQUIRED_FIELD', 'groupName is required'));
    } else if (!store.contactGroups.has(groupName)) {
      problems.push(problem('groupName', 'GROUP_NOT_FOUND', `property group ${groupName} does not exist; create it first`));
    }
    const rawOptions = body.options ?? [];
    const options: PropertyDefinition['options'] = [];
    if (!Array.isArray(rawOptions)) problems.push(problem('options', 'INVALID_TYPE', 'options must be an array'));
    else {
      rawOptions.forEach((o: unknown, i: number) => {
        const opt = (o ?? {}) as Record<string, unknown>;
        if (typeof opt.label !== 'string' || typeof opt.value !== 'string') {
          problems.push(problem(`options[${i}]`, 'REQUIRED_FIELD', `options[${i}] needs a string label and value`));
        } else {
          options.push({ label: opt.label, value: opt.value, displayOrder: Number(opt.displayOrder ?? i), hidden: opt.hidden === true,
            ...(typeof opt.description === 'string' ? { description: opt.description } : {}) });
        }
      });
      if (type === 'enumeration' && ['select', 'radio', 'checkbox'].includes(String(fieldType)) && options.length === 0) {
        problems.push(problem('options', 'REQUIRED_FIELD', 'an enumeration property needs at least one option'));
      }
    }
    if (problems.length > 0) {
      throw validationError(`Property definition is not valid: ${problems.map((p) => p.message).join('; ')}`, { errors: problems });
    }
    if (store.contactProperties.has(name as string)) throw conflict(`Property named '${String(name)}' already exists.`);
    const stamp = new Date(ctx.clock.now()).toISOString();
    const definition: PropertyDefinition = {
      name: name as string, label: label as string, type: type as PropertyType, fieldType: fieldType as FieldType,
      description: typeof body.description === 'string' ? body.description : '', groupName: groupName as string,
      options: type === 'bool' && options.length === 0
        ? [{ label: 'Yes', value: 'true', displayOrder: 0, hidden: false }, { label: 'No', value: 'false', displayOrder: 1, hidden: false }]
        : options,
      displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : -1,
      calculated: fieldType === 'calculation_equation', externalOptions: false, hasUniqueValue: body.hasUniqueValue === true,
      hidden: body.hidden === true, formField: body.formField === true,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: fieldType === 'calculation_equation' },
      createdAt: stamp, updatedAt: stamp, archived: false, createdUserId: '9100108',
    };
    store.contactProperties.set(definition.name, definition);
    ctx.stats.write('propertiesCreated');
    res.status(201).json(definition);
  });

  return router;
}
