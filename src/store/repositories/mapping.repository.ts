import type { Session } from '../db.types';
import type { FieldMapping } from '../records';

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
        `INSERT INTO field_mappings (installation_id, object_type, canonical_field, crm_property, direction, write_policy)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
        [
          installationId,
          mappings.map((m) => m.objectType),
          mappings.map((m) => m.canonicalField),
          mappings.map((m) => m.crmProperty),
          mappings.map((m) => m.direction),
          mappings.map((m) => m.writePolicy),
        ],
      );
    });
  }

  async listMappings(installationId: string, objectType?: string): Promise<FieldMapping[]> {
    const { rows } = await this.db.query<FieldMapping>(
      `SELECT object_type AS "objectType", canonical_field AS "canonicalField", crm_property AS "crmProperty",
              direction, write_policy AS "writePolicy"
         FROM field_mappings
        WHERE installation_id = $1 AND ($2::text IS NULL OR object_type = $2)
        ORDER BY object_type, canonical_field, crm_property`,
      [installationId, objectType ?? null],
    );
    return rows;
  }
}
