/**
 * `describe` and `describeGlobal` in the REST API's JSON shape, built from the object catalog (and
 * the custom fields added since), with the keys the connector and jsforce read: name, label, type,
 * length, precision/scale/digits, createable/updateable, nillable, custom, externalId, unique,
 * defaultedOnCreate, picklistValues (active, defaultValue, label, value), restrictedPicklist,
 * referenceTo, relationshipName, childRelationships.
 */
import type { FieldDef, ObjectDef } from './object-catalog';

const SOAP_TYPE: Record<string, string> = {
  id: 'tns:ID', reference: 'tns:ID', boolean: 'xsd:boolean', int: 'xsd:int', double: 'xsd:double', currency: 'xsd:double',
  percent: 'xsd:double', date: 'xsd:date', datetime: 'xsd:dateTime',
};

function fieldJson(field: FieldDef): Record<string, unknown> {
  const text = ['string', 'combobox', 'textarea', 'email', 'phone', 'url', 'picklist', 'id', 'reference'].includes(field.type);
  const filterable = field.type !== 'textarea' || field.length <= 255;
  return {
    aggregatable: filterable && field.type !== 'boolean',
    autoNumber: false,
    byteLength: text ? field.length * 3 : 0,
    calculated: field.calculated,
    caseSensitive: field.caseSensitive,
    createable: field.createable,
    custom: field.custom,
    defaultValue: field.type === 'boolean' ? field.defaultValue === true : field.defaultValue,
    defaultedOnCreate: field.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: field.digits,
    externalId: field.externalId,
    filterable,
    groupable: filterable && !['double', 'currency', 'percent', 'datetime'].includes(field.type),
    htmlFormatted: false,
    idLookup: field.type === 'id' || field.externalId || field.name === 'Email' || field.name === 'Username',
    label: field.label,
    length: field.length,
    name: field.name,
    nameField: field.nameField,
    namePointing: field.referenceTo.length > 1,
    nillable: field.nillable,
    permissionable: field.nillable && !field.calculated && field.type !== 'id',
    picklistValues: field.picklistValues.map((v) => ({ active: v.active, defaultValue: v.defaultValue, label: v.label, validFor: null, value: v.value })),
    polymorphicForeignKey: field.referenceTo.length > 1,
    precision: field.precision,
    referenceTo: field.referenceTo,
    relationshipName: field.relationshipName,
    restrictedPicklist: field.restrictedPicklist,
    scale: field.scale,
    soapType: SOAP_TYPE[field.type] ?? 'xsd:string',
    sortable: filterable,
    type: field.type,
    unique: field.unique,
    updateable: field.updateable,
  };
}

function urls(def: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

export function describeObject(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...globalEntry(def, version),
    childRelationships: def.childRelationships.map((c) => ({
      cascadeDelete: false, childSObject: c.childSObject, deprecatedAndHidden: false, field: c.field, junctionIdListNames: [],
      junctionReferenceTo: [], relationshipName: c.relationshipName, restrictedDelete: false,
    })),
    fields: def.fields.filter((f) => !f.hidden).map(fieldJson),
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}

export function globalEntry(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    activateable: false,
    createable: def.createable,
    custom: false,
    customSetting: false,
    deletable: def.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    keyPrefix: def.keyPrefix,
    label: def.label,
    labelPlural: def.labelPlural,
    layoutable: def.createable,
    mergeable: ['Lead', 'Contact', 'Account'].includes(def.name),
    name: def.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: def.createable,
    triggerable: def.createable,
    undeletable: def.softDelete,
    updateable: def.updateable,
    urls: urls(def, version),
  };
}
