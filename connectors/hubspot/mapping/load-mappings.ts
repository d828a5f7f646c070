/**
 * Loads HubSpot field mappings from YAML and validates them with zod. A bad file throws a
 * HubSpotMappingError that names the file and the path of each problem (`mappings[3].direction`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { formatPath } from '../../../src/util/format-path.util';
import { describeIssue } from '../../../src/util/zod-issue.util';
import { HubSpotMappingFileSchema, type HubSpotFieldMapping } from './mapping-schema';

export class HubSpotMappingError extends Error {
  override readonly name = 'HubSpotMappingError';
  readonly code = 'MAPPING_INVALID';

  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function parseHubSpotMappings(text: string, source: string): HubSpotFieldMapping[] {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new HubSpotMappingError(source, doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0] ?? e.message}`));
  }
  const raw: unknown = doc.toJS();
  const parsed = HubSpotMappingFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HubSpotMappingError(
      source,
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue, raw)}`),
    );
  }
  const seen = new Set<string>();
  const duplicates: string[] = [];
  parsed.data.mappings.forEach((m, i) => {
    const key = `${m.objectType}/${m.canonicalField}/${m.crmProperty}`;
    if (seen.has(key)) duplicates.push(`mappings[${i}]: ${m.canonicalField} ↔ ${m.crmProperty} is mapped twice`);
    seen.add(key);
  });
  if (duplicates.length > 0) throw new HubSpotMappingError(source, duplicates);
  return parsed.data.mappings;
}

/**
 * The file is found by walking up to the package root, so it works from the TypeScript sources
 * (tsx, jest) and from the compiled dist/ alike (tsc does not copy YAML; a deployment ships config/).
 */
export function defaultMappingsPath(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'config', 'mappings', 'hubspot.default.yaml');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot locate config/mappings/hubspot.default.yaml`);
  }
}

export function loadHubSpotMappingsFile(file: string): HubSpotFieldMapping[] {
  return parseHubSpotMappings(readFileSync(file, 'utf8'), file);
}

let cachedDefaults: HubSpotFieldMapping[] | undefined;

/** The shipped defaults (config/mappings/hubspot.default.yaml), read once per process. */
export function loadHubSpotDefaultMappings(): HubSpotFieldMapping[] {
  cachedDefaults ??= loadHubSpotMappingsFile(defaultMappingsPath());
  return cachedDefaults.map((m) => ({ ...m, ...(m.values ? { values: { ...m.values } } : {}) }));
}
