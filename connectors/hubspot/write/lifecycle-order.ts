/**
 * The order of the portal's lifecycle stages, read once from
 * `GET /crm/v3/properties/contacts/lifecyclestage` and cached: portals may add, remove and reorder
 * stages (custom ones have numeric ids), so the order is never hard-coded (reference §2).
 */
import type { HubSpotHttp } from '../hubspot-http';

export class LifecycleOrder {
  private ranks: Promise<Map<string, number>> | undefined;

  constructor(private readonly http: HubSpotHttp) {}

  private load(): Promise<Map<string, number>> {
    this.ranks ??= this.http
      .sdk('standard', 'GET /crm/v3/properties/contacts/lifecyclestage', (c) => c.crm.properties.coreApi.getByName('contacts', 'lifecyclestage'))
      .then((property) => {
        const options = property.options.filter((o) => !o.hidden).map((o, i) => ({ value: o.value, order: o.displayOrder ?? i, i }));
        options.sort((a, b) => a.order - b.order || a.i - b.i);
        return new Map(options.map((o, rank) => [o.value, rank]));
      })
      .catch((error: unknown) => {
        this.ranks = undefined; // a failed read is retried next time, not cached
        throw error;
      });
    return this.ranks;
  }

  /** True when `to` is an earlier stage than `from`; unknown values are never "backward". */
  async isBackward(from: string, to: string): Promise<boolean> {
    const ranks = await this.load();
    const a = ranks.get(from);
    const b = ranks.get(to);
    return a !== undefined && b !== undefined && b < a;
  }
}
