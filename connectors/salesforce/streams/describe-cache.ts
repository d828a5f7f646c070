/**
 * Which fields the org has, from `describe()`, cached per SalesforceApi for a while (time from the
 * pull context, never the wall clock). A pull selects only fields that exist: optional mappings
 * (BANT, CountryCode without country picklists), Leadstage's own fields before ensureSchema made
 * them, and newer Task fields are skipped when absent; a required mapped field that is missing
 * fails the pull with the field and the mapping named, instead of Salesforce's INVALID_FIELD.
 */
import type { SalesforceApi, SfDescribe, SfFieldDescribe } from '../salesforce-api.types';

export const DESCRIBE_TTL_MS = 10 * 60_000;

export class SalesforceSchemaError extends Error {
  override readonly name = 'SalesforceSchemaError';
  readonly code = 'MAPPING_FIELD_MISSING';
}

/** Parent relationships a dot path may use → the sObject they point at (standard lookups). */
const RELATIONSHIPS: Record<string, string> = {
  Account: 'Account',
  Campaign: 'Campaign',
  Opportunity: 'Opportunity',
  Contact: 'Contact',
  Lead: 'Lead',
  Owner: 'User',
  ConvertedContact: 'Contact',
  ConvertedAccount: 'Account',
  MasterRecord: 'Lead',
};

interface Entry {
  at: number;
  describe: Promise<Map<string, SfFieldDescribe>>;
}

export interface ResolvedFields {
  /** Field paths to select, in the order asked, as the org spells them. */
  fields: string[];
  /** Describe type by selected path (`Account.NumberOfEmployees` → `int`), for typing Bulk CSV. */
  types: Map<string, string>;
  /** Optional paths the org lacks (skipped). */
  skipped: string[];
}

export class DescribeCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly api: SalesforceApi,
    private readonly ttlMs: number = DESCRIBE_TTL_MS,
  ) {}

  /** Fields of an sObject by lower-cased name. */
  async fields(sobject: string, now: number): Promise<Map<string, SfFieldDescribe>> {
    const cached = this.entries.get(sobject);
    if (cached && now - cached.at < this.ttlMs && now >= cached.at) return cached.describe;
    const describe = this.api.describe(sobject).then((d: SfDescribe) => new Map(d.fields.map((f) => [f.name.toLowerCase(), f])));
    this.entries.set(sobject, { at: now, describe });
    describe.catch(() => this.entries.delete(sobject));
    return describe;
  }

  /** After ensureSchema created fields: the next pull describes again. */
  forget(): void {
    this.entries.clear();
  }

  async has(sobject: string, field: string, now: number): Promise<boolean> {
    return (await this.resolve(sobject, [], [field], now)).fields.length === 1;
  }

  /**
   * The paths of `required` and `optional` the org has. A missing required path throws, naming
   * `why(path)` (the mapping it comes from); a missing optional one is skipped.
   */
  async resolve(
    sobject: string,
    required: readonly string[],
    optional: readonly string[],
    now: number,
    why: (path: string) => string = () => '',
  ): Promise<ResolvedFields> {
    const own = await this.fields(sobject, now);
    const out: ResolvedFields = { fields: [], types: new Map(), skipped: [] };
    const seen = new Set<string>();
    const requiredSet = new Set(required.map((p) => p.toLowerCase()));
    const missing: string[] = [];
    for (const path of [...required, ...optional]) {
      const key = path.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const found = await this.lookup(own, path, now);
      if (found) {
        out.fields.push(found.path);
        out.types.set(found.path, found.type);
      } else if (requiredSet.has(key)) {
        missing.push(`${sobject} has no field "${path}"${why(path) ? ` (${why(path)})` : ''}`);
      } else {
        out.skipped.push(path);
      }
    }
    if (missing.length > 0) {
      throw new SalesforceSchemaError(`${missing.join('; ')}: create the field${missing.length > 1 ? 's' : ''}, mark the mapping optional, or remove it`);
    }
    return out;
  }

  private async lookup(own: Map<string, SfFieldDescribe>, path: string, now: number): Promise<{ path: string; type: string } | null> {
    const dot = path.indexOf('.');
    if (dot === -1) {
      const field = own.get(path.toLowerCase());
      return field ? { path: field.name, type: field.type } : null;
    }
    const relationship = path.slice(0, dot);
    const name = path.slice(dot + 1);
    const target = RELATIONSHIPS[relationship] ?? (relationship.endsWith('__r') ? `${relationship.slice(0, -3)}__c` : null);
    const idField = relationship.endsWith('__r') ? `${relationship.slice(0, -3)}__c` : `${relationship}Id`;
    if (!target || !own.has(idField.toLowerCase())) return null;
    const parent = await this.fields(target, now);
    const field = parent.get(name.toLowerCase());
    return field ? { path: `${relationship}.${field.name}`, type: field.type } : null;
  }
}

const caches = new WeakMap<SalesforceApi, DescribeCache>();

/** The cache of one SalesforceApi (one installation's connection). */
export function describeCacheFor(api: SalesforceApi): DescribeCache {
  let cache = caches.get(api);
  if (!cache) {
    cache = new DescribeCache(api);
    caches.set(api, cache);
  }
  return cache;
}
