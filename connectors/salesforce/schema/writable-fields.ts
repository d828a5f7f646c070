/**
 * Which fields this installation cannot write, and why: Leadstage fields that could not be created
 * or that the connected user may not edit (field-level security), mapped fields the org lacks, and
 * fields found deleted or revoked while writing. ensureSchema fills it from describe; the record
 * writer adds what Salesforce refuses (INVALID_FIELD naming the field) and drops them from every
 * later write, so a missing field costs one refused call, never one per batch; propertiesFor leaves
 * out what no object can take, so the change hash says what was really written and a field that
 * comes back is written again.
 */
export interface UnwritableField {
  sobject: string;
  field: string;
  reason: string;
}

export class WritableFields {
  private readonly unwritable = new Map<string, UnwritableField>();

  private static key(sobject: string, field: string): string {
    return `${sobject}.${field}`.toLowerCase();
  }

  /** Returns true when the field was not known to be unwritable before. */
  mark(sobject: string, field: string, reason: string): boolean {
    const key = WritableFields.key(sobject, field);
    const known = this.unwritable.has(key);
    this.unwritable.set(key, { sobject, field, reason });
    return !known;
  }

  /** The field is writable again (describe shows it editable). */
  clear(sobject: string, field: string): void {
    this.unwritable.delete(WritableFields.key(sobject, field));
  }

  isWritable(sobject: string, field: string): boolean {
    return !this.unwritable.has(WritableFields.key(sobject, field));
  }

  /** Forgets everything (setup reads the org afresh). */
  reset(): void {
    this.unwritable.clear();
  }

  list(): UnwritableField[] {
    return [...this.unwritable.values()];
  }
}
