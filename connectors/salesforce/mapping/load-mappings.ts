/**
 * Loads the Salesforce mappings from YAML and validates them with zod. A bad file throws a
 * SalesforceMappingError that names the file and the YAML path of each problem
 * (`mappings[3].direction`, `campaignMembers.rules[2].event`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { formatPath } from '../../../src/util/format-path.util';
import { describeIssue } from '../../../src/util/zod-issue.util';
import {
  SF_OBJECT_TYPES,
  SalesforceMappingFileSchema,
  type SalesforceFieldMapping,
  type SalesforceMappingConfig,
  type SalesforceObjectType,
} from './mapping-schema';

export class SalesforceMappingError extends Error {
  override readonly name = 'SalesforceMappingError';
  readonly code = 'MAPPING_INVALID';

  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function parseSalesforceMappings(text: string, source: string): SalesforceMappingConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SalesforceMappingError(source, doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0] ?? e.message}`));
  }
  const raw: unknown = doc.toJS();
  const parsed = SalesforceMappingFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SalesforceMappingError(
      source,
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue, raw)}`),
    );
  }
  const file = parsed.data;
  const mappings: SalesforceFieldMapping[] = [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  file.mappings.forEach((entry, i) => {
    const objectTypes: SalesforceObjectType[] = Array.isArray(entry.objectType) ? entry.objectType : [entry.objectType];
    for (const objectType of new Set(objectTypes)) {
      const key = `${objectType}/${entry.canonicalField}/${entry.crmProperty}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`mappings[${i}]: ${objectType} ${entry.canonicalField} ↔ ${entry.crmProperty} is already mapped by mappings[${first}]`);
      seen.set(key, i);
      const { objectType: _objectTypes, ...rest } = entry;
      mappings.push({
        ...rest,
        objectType,
        ...(entry.fallback ? { fallback: [...entry.fallback] } : {}),
        ...(entry.values ? { values: { ...entry.values } } : {}),
      });
    }
  });
  // Two read mappings for one canonical field of one object would race; say which.
  const readers = new Map<string, number>();
  file.mappings.forEach((entry, i) => {
    if (entry.direction === 'write') return;
    for (const objectType of Array.isArray(entry.objectType) ? entry.objectType : [entry.objectType]) {
      const key = `${objectType}/${entry.canonicalField}`;
      const first = readers.get(key);
      if (first !== undefined && first !== i) problems.push(`mappings[${i}]: ${objectType} ${entry.canonicalField} is already read by mappings[${first}] (use fallback for a second field)`);
      readers.set(key, i);
    }
  });
  if (problems.length > 0) throw new SalesforceMappingError(source, problems);
  return {
    mappings,
    leadStatusTransitions: file.leadStatusTransitions,
    campaignMembers: file.campaignMembers,
    tasks: file.tasks,
    recordEvents: file.recordEvents.flatMap((rule) =>
      [...new Set(rule.objectType === undefined ? SF_OBJECT_TYPES : Array.isArray(rule.objectType) ? rule.objectType : [rule.objectType])]
        .map((objectType) => ({ objectType, field: rule.field, event: rule.event }))),
  };
}

/**
 * The file is found by walking up to the package root, so it works from the TypeScript sources
 * (tsx, jest) and from the compiled dist/ alike (tsc does not copy YAML; a deployment ships config/).
 */
export function defaultSalesforceMappingsPath(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'config', 'mappings', 'salesforce.default.yaml');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot locate config/mappings/salesforce.default.yaml`);
  }
}

export function loadSalesforceMappingsFile(file: string): SalesforceMappingConfig {
  return parseSalesforceMappings(readFileSync(file, 'utf8'), file);
}

let cachedDefaults: SalesforceMappingConfig | undefined;

/** The shipped defaults (config/mappings/salesforce.default.yaml), read once per process; a fresh copy each call. */
export function loadSalesforceDefaultMappings(): SalesforceMappingConfig {
  cachedDefaults ??= loadSalesforceMappingsFile(defaultSalesforceMappingsPath());
  return structuredClone(cachedDefaults);
}
