/**
 * Which fields this installation cannot write, and why: Leadstage fields that could not be created
 * or that the connected user may not edit (field-level security), mapped fields the org lacks, and
 * fields found deleted or revoked while writing. ensureSchema fills it from describe; the record
 * writer adds what Salesforce refuses (INVALID_FIELD naming the field) and drops them from later
 * writes (for an hour, then one write tries again: an admin may have restored it), so a missing field
 * costs one refused call, never one per batch; propertiesFor leaves
 * out what no object can take, so the change hash says what was really written and a field that
 * comes back is written again.
 */
export interface UnwritableField {
  sobject: string;
  field: string;
  reason: string;
  /** Tried again from then on (a field refused while writing may be restored); none: until setup runs again. */
  until?: number;
}

export class WritableFields {
  private readonly unwritable = new Map<string, UnwritableField>();

  constructor(private readonly clock: () => number = Date.now) {}

  private static key(sobject: string, field: string): string {
    return `${sobject}.${field}`.toLowerCase();
  }

  /**
   * Returns true when the field was not known to be unwritable before. `forMs`: only for that long
   * (then one write tries it again), for fields Salesforce refused while writing.
   */
  mark(sobject: string, field: string, reason: string, forMs?: number): boolean {
    const key = WritableFields.key(sobject, field);
    const known = !this.isWritable(sobject, field);
    this.unwritable.set(key, { sobject, field, reason, ...(forMs !== undefined ? { until: this.clock() + forMs } : {}) });
    return !known;
  }

  /** The field is writable again (describe shows it editable). */
  clear(sobject: string, field: string): void {
    this.unwritable.delete(WritableFields.key(sobject, field));
  }

  isWritable(sobject: string, field: string): boolean {
    const entry = this.unwritable.get(WritableFields.key(sobject, field));
    return entry === undefined || (entry.until !== undefined && this.clock() >= entry.until);
  }

  /** Forgets everything (setup reads the org afresh). */
  reset(): void {
    this.unwritable.clear();
  }

  list(): UnwritableField[] {
    return [...this.unwritable.values()].filter((f) => !this.isWritable(f.sobject, f.field));
  }
}
