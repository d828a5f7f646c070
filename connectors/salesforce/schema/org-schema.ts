/**
 * The org's describe results, shared by ensureSchema and the writers (the Lead Status picklist
 * allowlist). Kept for `ttlMs` (default 1 h) so an admin's change to the org is seen within the hour
 * by a long-lived connector; a failed read is not cached; `forget` drops an object at once (after
 * ensureSchema changed it, or before it starts).
 */
import type { SalesforceApi, SfDescribe, SfFieldDescribe } from '../salesforce-api.types';

export class OrgSchema {
  private readonly cache = new Map<string, { at: number; describe: Promise<SfDescribe> }>();

  constructor(
    private readonly api: Pick<SalesforceApi, 'describe'>,
    private readonly ttlMs = 3_600_000,
    private readonly clock: () => number = Date.now,
  ) {}

  describe(sobject: string): Promise<SfDescribe> {
    const now = this.clock();
    const cached = this.cache.get(sobject);
    if (cached && now - cached.at < this.ttlMs) return cached.describe;
    const describe = this.api.describe(sobject);
    const entry = { at: now, describe };
    describe.catch(() => {
      if (this.cache.get(sobject) === entry) this.cache.delete(sobject);
    });
    this.cache.set(sobject, entry);
    return describe;
  }

  forget(sobject: string): void {
    this.cache.delete(sobject);
  }

  async field(sobject: string, name: string): Promise<SfFieldDescribe | undefined> {
    const lower = name.toLowerCase();
    return (await this.describe(sobject)).fields.find((f) => f.name.toLowerCase() === lower);
  }

  /** Active picklist values of a field (empty when it is not a picklist or absent). */
  async activeValues(sobject: string, name: string): Promise<string[]> {
    const field = await this.field(sobject, name);
    return (field?.picklistValues ?? []).filter((p) => p.active).map((p) => p.value);
  }
}
