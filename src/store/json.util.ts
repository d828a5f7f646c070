/** jsonb parameters travel as JSON text with a `::jsonb` cast (db.types.ts explains why). */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}
