import type { Session } from '../db.types';
import { toJson } from '../json.util';
import type { FieldMapping } from '../records';

export interface MappingVersion {
  version: number;
  mappings: FieldMapping[];
  createdBy: string;
  createdAt: string;
  note: string | null;
}

/** Field mappings of one installation: canonical field ↔ CRM property, with a write policy. */
export class MappingRepository {
  constructor(private readonly db: Session) {}

  /**
   * The config page saves the whole mapping table at once; replacing it in one transaction means
   * a sync never sees half of an edit.
   */
  async replaceMappings(installationId: string, mappings: readonly FieldMapping[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM field_mappings WHERE installation_id = $1', [installationId]);
      if (mappings.length === 0) return;
      await tx.query(
        `INSERT INTO field_mappings (installation_id, object_type, canonical_field, crm_property, direction, write_policy, allow_backward, "values", company_property)
         SELECT $1, m.o, m.c, m.p, m.d, m.w, m.b, m.v::jsonb, m.cp FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[]) AS m(o, c, p, d, w, b, v, cp)`,
        [
          installationId,
          mappings.map((m) => m.objectType),
          mappings.map((m) => m.canonicalField),
          mappings.map((m) => m.crmProperty),
          mappings.map((m) => m.direction),
          mappings.map((m) => m.writePolicy),
          mappings.map((m) => m.allowBackward ?? null),
          mappings.map((m) => (m.values ? toJson(m.values) : null)),
          mappings.map((m) => m.companyProperty ?? null),
        ],
      );
    });
  }

  async listMappings(installationId: string, objectType?: string): Promise<FieldMapping[]> {
    const { rows } = await this.db.query<FieldMapping & { allowBackward: boolean | null; values: Record<string, string> | null; companyProperty: string | null }>(
      `SELECT object_type AS "objectType", canonical_field AS "canonicalField", crm_property AS "crmProperty",
              direction, write_policy AS "writePolicy", allow_backward AS "allowBackward", "values", company_property AS "companyProperty"
         FROM field_mappings
        WHERE installation_id = $1 AND ($2::text IS NULL OR object_type = $2)
        ORDER BY object_type, canonical_field, crm_property`,
      [installationId, objectType ?? null],
    );
    // absent details stay absent (a connector then keeps its default's)
    return rows.map(({ allowBackward, values, companyProperty, ...row }) => ({
      ...row,
      ...(allowBackward !== null ? { allowBackward } : {}),
      ...(values !== null ? { values } : {}),
      ...(companyProperty !== null ? { companyProperty } : {}),
    }));
  }

  /**
   * Saves a mapping as the installation's next version and makes it the one in effect, in one
   * transaction: the table the connectors read and its numbered copy never disagree.
   */
  async saveVersion(workspaceId: string, installationId: string, mappings: readonly FieldMapping[], createdBy: string, note: string | null = null): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM installations WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [workspaceId, installationId]);
      const { rows } = await tx.query<{ next: number }>('SELECT COALESCE(max(version), 0) + 1 AS next FROM field_mapping_versions WHERE installation_id = $1', [installationId]);
      const version = Number(rows[0]!.next);
      await tx.query(
        'INSERT INTO field_mapping_versions (workspace_id, installation_id, version, mappings, created_by, note) VALUES ($1, $2, $3, $4::jsonb, $5, $6)',
        [workspaceId, installationId, version, toJson(mappings), createdBy, note],
      );
      await new MappingRepository(tx).replaceMappings(installationId, mappings);
      return version;
    });
  }

  /** The number of the mapping version in effect (0: never saved from the console). One index lookup. */
  async currentVersion(installationId: string): Promise<number> {
    const { rows } = await this.db.query<{ version: number | null }>('SELECT max(version) AS version FROM field_mapping_versions WHERE installation_id = $1', [installationId]);
    return Number(rows[0]?.version ?? 0);
  }

  async listVersions(workspaceId: string, installationId: string, limit = 20): Promise<MappingVersion[]> {
    const { rows } = await this.db.query<MappingVersion>(
      `SELECT version, mappings, created_by AS "createdBy", created_at AS "createdAt", note
         FROM field_mapping_versions WHERE workspace_id = $1 AND installation_id = $2 ORDER BY version DESC LIMIT $3`,
      [workspaceId, installationId, limit],
    );
    return rows;
  }
}
