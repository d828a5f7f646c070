/**
 * The in-memory portal: seeded data plus everything written through the API. Seeded contacts are
 * never copied; a write is kept as an override on top of the generated record, so the memory cost of
 * a portal is the writes it received, not its size. Contacts a CRM user creates after seeding take the
 * next indexes; deleted, merged-away and privacy-deleted ones are marked gone and skipped by every read.
 */
import { ActivityIndex } from './activity-index';
import type { CrmRecord } from './crm-record';
import { ModifiedIndex, type TimeRange } from './modified-index';
import type { CrmObjectType } from './object-types';
import {
  OBJECT_PROPERTY_TYPES, defaultContactGroups, defaultContactProperties,
  type PropertyDefinition, type PropertyGroup, type PropertyType,
} from './property-catalog';
import { ID_BASE, SeedPortal, contactId, contactIndex, type SeedOptions } from './seed';

export interface FormSubmission {
  /** submittedAt (ms). */
  t: number;
  /** The submitter's contact index. */
  contact: number;
  conversionId: string;
}

export interface PageResult {
  records: CrmRecord[];
  /** The `after` cursor of the next page (the next record's id, as HubSpot's list endpoints do). */
  next?: string;
}

export interface CrmCollection {
  readonly type: CrmObjectType;
  /** Returned when the request names no properties (HubSpot's per-object defaults). */
  readonly defaultProperties: readonly string[];
  /** Returned whatever the request asks for. */
  readonly alwaysProperties: readonly string[];
  count(): number;
  get(id: string): CrmRecord | undefined;
  scan(): Iterable<CrmRecord>;
  page(after: string | undefined, limit: number): PageResult;
  propertyType(name: string): PropertyType | undefined;
  /** A sorted index on one datetime property: its records in a range, ascending by (value, id). */
  readonly indexed?: IndexedProperty;
}

export interface IndexedProperty {
  property: string;
  /** How many records fall in the range (nothing else read). */
  count(range: TimeRange): number;
  /** The records at positions [offset, offset + limit) of the range, ascending by (value, id). */
  slice(range: TimeRange, offset: number, limit: number): CrmRecord[];
  /** Every record in the range, ascending by (value, id). */
  records(range: TimeRange): Iterable<CrmRecord>;
}

/** A collection over an array kept in ascending numeric id order. */
class ArrayCollection implements CrmCollection {
  private readonly byId = new Map<string, CrmRecord>();

  constructor(
    readonly type: CrmObjectType,
    private readonly records: CrmRecord[],
    readonly defaultProperties: readonly string[],
    readonly alwaysProperties: readonly string[],
  ) {
    for (const record of records) this.byId.set(record.id, record);
  }

  add(record: CrmRecord): void {
    this.records.push(record);
    this.byId.set(record.id, record);
  }
  count(): number {
    return this.records.length;
  }
  get(id: string): CrmRecord | undefined {
    return this.byId.get(id);
  }
  scan(): Iterable<CrmRecord> {
    return this.records;
  }
  page(after: string | undefined, limit: number): PageResult {
    const from = after === undefined ? 0 : this.records.findIndex((r) => Number(r.id) >= Number(after));
    if (from === -1) return { records: [] };
    const records = this.records.slice(from, from + limit);
    const next = this.records[from + limit];
    return next ? { records, next: next.id } : { records };
  }
  propertyType(name: string): PropertyType | undefined {
    return OBJECT_PROPERTY_TYPES[this.type]?.[name];
  }
}

class ContactCollection implements CrmCollection {
  readonly type = 'contacts' as const;
  readonly defaultProperties = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
  readonly alwaysProperties = ['createdate', 'hs_object_id', 'lastmodifieddate'];

  constructor(private readonly store: PortalStore) {}

  /** Live contacts: seeded and created ones, less those deleted or merged away. */
  count(): number {
    return this.store.contactSlots - this.store.archivedContactCount;
  }
  get(id: string): CrmRecord | undefined {
    const index = this.store.contactIndexOf(id);
    return index === undefined ? undefined : this.store.contactRecord(index);
  }
  *scan(): Iterable<CrmRecord> {
    for (let index = 0; index < this.store.contactSlots; index++) {
      if (!this.store.isArchived(index)) yield this.store.contactRecord(index);
    }
  }
  page(after: string | undefined, limit: number): PageResult {
    const slots = this.store.contactSlots;
    let index = after === undefined ? 0 : Math.max(0, contactIndex(after) ?? slots);
    const records: CrmRecord[] = [];
    for (; index < slots && records.length < limit; index++) {
      if (!this.store.isArchived(index)) records.push(this.store.contactRecord(index));
    }
    while (index < slots && this.store.isArchived(index)) index++;
    return index < slots ? { records, next: contactId(index) } : { records };
  }
  propertyType(name: string): PropertyType | undefined {
    return this.store.contactProperties.get(name)?.type;
  }
  /** Searches on lastmodifieddate read this index (modified-index.ts) instead of every contact. */
  readonly indexed: IndexedProperty = {
    property: 'lastmodifieddate',
    count: (range) => {
      let n = 0;
      for (const _ of this.store.modifiedIndex.range(range)) n++;
      return n;
    },
    slice: (range, offset, limit) => {
      const out: CrmRecord[] = [];
      let position = 0;
      for (const index of this.store.modifiedIndex.range(range)) {
        if (out.length >= limit) break;
        if (position++ >= offset) out.push(this.store.contactRecord(index));
      }
      return out;
    },
    records: (range) => this.rangeRecords(range),
  };
  private *rangeRecords(range: TimeRange): Generator<CrmRecord> {
    for (const index of this.store.modifiedIndex.range(range)) yield this.store.contactRecord(index);
  }
}

/** Properties a merge never copies onto the primary contact: its own identity and stamps. */
const MERGE_KEEPS = new Set(['hs_object_id', 'createdate', 'lastmodifieddate']);

export class PortalStore {
  readonly seed: SeedPortal;
  readonly contactProperties = new Map<string, PropertyDefinition>();
  readonly contactGroups = new Map<string, PropertyGroup>();
  /** Written values per contact index; "" marks a value cleared through the API. */
  private readonly contactOverrides = new Map<number, Record<string, string>>();
  /** Contacts created after seeding (a CRM user's, through the admin API), by index (≥ the seeded count). */
  private readonly createdContacts = new Map<number, Record<string, string>>();
  /** Deleted, merged-away or privacy-deleted contacts: gone from every read. */
  private readonly archivedContacts = new Set<number>();
  /** Form submissions made after seeding (`submitForm`), per form index, oldest first. */
  private readonly liveSubmissions = new Map<number, FormSubmission[]>();
  private activityIndex: ActivityIndex | undefined;
  /** Live contacts by lastmodifieddate, for search (built on first use, kept up to date by every change). */
  readonly modifiedIndex = new ModifiedIndex(() => this.liveModifiedTimes());
  private collections: Partial<Record<CrmObjectType, CrmCollection>> = {};
  readonly tasks: ArrayCollection;
  readonly taskContacts = new Map<string, Set<string>>();
  readonly contactTasks = new Map<string, Set<string>>();

  constructor(options: Partial<SeedOptions>) {
    this.seed = new SeedPortal(options);
    const stamp = new Date(this.seed.options.now - 900 * 86_400_000).toISOString();
    for (const property of defaultContactProperties(stamp)) this.contactProperties.set(property.name, property);
    for (const group of defaultContactGroups()) this.contactGroups.set(group.name, group);
    this.tasks = new ArrayCollection('tasks', [], ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
      ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']);
    this.collections.contacts = new ContactCollection(this);
    this.collections.tasks = this.tasks;
  }

  /** Engagement, deals, meetings, calls and emails: built on first use (it walks every contact). */
  get activity(): ActivityIndex {
    this.activityIndex ??= new ActivityIndex(this.seed);
    return this.activityIndex;
  }

  collection(type: CrmObjectType): CrmCollection {
    const existing = this.collections[type];
    if (existing) return existing;
    const made = this.makeCollection(type);
    this.collections[type] = made;
    return made;
  }

  private makeCollection(type: CrmObjectType): CrmCollection {
    switch (type) {
      case 'companies': {
        const records = this.seed.companies.map((company) => ({
          id: company.id,
          properties: company.properties,
          createdAt: company.properties.createdate!,
          updatedAt: company.properties.hs_lastmodifieddate!,
        }));
        const always = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'];
        return new ArrayCollection('companies', records, ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'], always);
      }
      case 'deals':
        return new ArrayCollection('deals', this.activity.deals,
          ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
          ['createdate', 'hs_lastmodifieddate', 'hs_object_id']);
      case 'meetings':
        return new ArrayCollection('meetings', this.activity.meetings, ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
          ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']);
      case 'calls':
        return new ArrayCollection('calls', this.activity.calls, ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
          ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']);
      case 'emails':
        return new ArrayCollection('emails', this.activity.emails, ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
          ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']);
      default:
        throw new Error(`no collection for ${type}`);
    }
  }

  contactRecord(index: number): CrmRecord {
    const seeded = index < this.seed.contactCount ? this.seed.contact(index).properties : this.createdContacts.get(index)!;
    const override = this.contactOverrides.get(index);
    const properties = override ? { ...seeded, ...override } : seeded;
    return { id: contactId(index), properties, createdAt: properties.createdate!, updatedAt: properties.lastmodifieddate! };
  }

  /** The index of a live contact (seeded or created, not deleted), or undefined. */
  contactIndexOf(id: string): number | undefined {
    const index = contactIndex(id);
    return index !== undefined && index >= 0 && index < this.contactSlots && !this.archivedContacts.has(index) ? index : undefined;
  }

  /** Seeded plus created contacts, deleted ones included (the next created contact's index). */
  get contactSlots(): number {
    return this.seed.contactCount + this.createdContacts.size;
  }

  get archivedContactCount(): number {
    return this.archivedContacts.size;
  }

  isArchived(index: number): boolean {
    return this.archivedContacts.has(index);
  }

  writeContact(index: number, values: Record<string, string>): void {
    this.contactOverrides.set(index, { ...this.contactOverrides.get(index), ...values });
    if (values.lastmodifieddate !== undefined) this.modifiedIndex.touch(index, Date.parse(values.lastmodifieddate));
  }

  private *liveModifiedTimes(): Iterable<[number, number]> {
    for (let index = 0; index < this.contactSlots; index++) {
      if (!this.isArchived(index)) yield [index, Date.parse(this.contactRecord(index).properties.lastmodifieddate ?? '')];
    }
  }

  /** A new contact with these (already valid) values; returns its index. */
  createContact(values: Record<string, string>, nowIso: string): number {
    const index = this.contactSlots;
    this.createdContacts.set(index, {
      ...values, createdate: nowIso, lastmodifieddate: nowIso, hs_object_id: contactId(index),
    });
    this.modifiedIndex.touch(index, Date.parse(nowIso));
    return index;
  }

  /** Deletes a contact (HubSpot archives it: no read sees it any more). */
  archiveContact(index: number): void {
    this.archivedContacts.add(index);
    this.modifiedIndex.remove(index);
  }

  /**
   * Merges `merged` into `primary`: the primary keeps its values and takes the merged contact's where
   * it has none; the merged contact is gone. Returns the names of the properties moved.
   */
  mergeContacts(primary: number, merged: number, nowIso: string): string[] {
    const keep = this.contactRecord(primary).properties;
    const from = this.contactRecord(merged).properties;
    const moved: Record<string, string> = {};
    for (const [name, value] of Object.entries(from)) {
      if (value !== '' && (keep[name] === undefined || keep[name] === '') && !MERGE_KEEPS.has(name)) moved[name] = value;
    }
    this.writeContact(primary, { ...moved, lastmodifieddate: nowIso });
    this.archiveContact(merged);
    return Object.keys(moved);
  }

  /**
   * A visitor (a live contact) submits form `formIndex` at `t` (ms): HubSpot lists it with the form's
   * submissions and stamps the contact's conversion properties. `t` may lie in the past: a submission
   * that reached the API some time after it was made (HubSpot processes submissions asynchronously).
   */
  submitForm(formIndex: number, contact: number, t: number, conversionId: string, nowIso: string, formName: string): FormSubmission {
    const list = this.liveSubmissions.get(formIndex) ?? [];
    const submission = { t, contact, conversionId };
    let at = list.length;
    while (at > 0 && list[at - 1]!.t > t) at--;
    list.splice(at, 0, submission);
    this.liveSubmissions.set(formIndex, list);
    const properties = this.contactRecord(contact).properties;
    const recent = Date.parse(properties.recent_conversion_date ?? '');
    this.writeContact(contact, {
      num_conversion_events: String(Number(properties.num_conversion_events ?? 0) + 1),
      ...(Number.isNaN(recent) || t >= recent ? { recent_conversion_date: new Date(t).toISOString(), recent_conversion_event_name: formName } : {}),
      lastmodifieddate: nowIso,
    });
    return submission;
  }

  liveSubmissionCount(formIndex: number): number {
    return this.liveSubmissions.get(formIndex)?.length ?? 0;
  }

  /**
   * A form's submissions newest first (seeded and live), from position `offset`, at most `limit`.
   * `seededId(i)` names the seeded one at index i of the seeded series (oldest first).
   */
  formSubmissionsNewestFirst(formIndex: number, offset: number, limit: number, seededId: (i: number) => string): { items: FormSubmission[]; total: number } {
    const seeded = this.activity.forms[formIndex]!;
    const live = this.liveSubmissions.get(formIndex) ?? [];
    const total = seeded.count + live.length;
    const items: FormSubmission[] = [];
    let i = seeded.count - 1;
    let j = live.length - 1;
    for (let position = 0; position < total && items.length < limit; position++) {
      const takeLive = j >= 0 && (i < 0 || live[j]!.t >= seeded.t[i]!);
      const next: FormSubmission = takeLive ? live[j--]! : { t: seeded.t[i]!, contact: seeded.contact[i]!, conversionId: seededId(i--) };
      if (position >= offset) items.push(next);
    }
    return { items, total };
  }

  get writtenContactCount(): number {
    return this.contactOverrides.size;
  }

  /** A call a rep logs (POST /crm/v3/objects/calls), associated with a contact when `contactIndex` is set. */
  logCall(properties: Record<string, string>, contactIndex: number | undefined, nowIso: string): CrmRecord {
    const calls = this.collection('calls');
    const id = String(ID_BASE.call + calls.count());
    const record: CrmRecord = {
      id,
      createdAt: nowIso,
      updatedAt: nowIso,
      properties: { hs_call_status: 'COMPLETED', ...properties, hs_object_id: id, hs_createdate: nowIso, hs_lastmodifieddate: nowIso },
    };
    (calls as ArrayCollection).add(record);
    if (contactIndex !== undefined) {
      this.activity.contactCalls.set(contactIndex, [...(this.activity.contactCalls.get(contactIndex) ?? []), id]);
      this.activity.objectContact.set(id, contactIndex);
    }
    return record;
  }

  /** An email a rep logs or sends (POST /crm/v3/objects/emails), associated with a contact when `contactIndex` is set. */
  logEmail(properties: Record<string, string>, contactIndex: number | undefined, nowIso: string): CrmRecord {
    const emails = this.collection('emails');
    const id = String(ID_BASE.email + emails.count());
    const record: CrmRecord = {
      id,
      createdAt: nowIso,
      updatedAt: nowIso,
      properties: { ...properties, hs_object_id: id, hs_createdate: nowIso, hs_lastmodifieddate: nowIso },
    };
    (emails as ArrayCollection).add(record);
    if (contactIndex !== undefined) {
      this.activity.contactEmails.set(contactIndex, [...(this.activity.contactEmails.get(contactIndex) ?? []), id]);
      this.activity.objectContact.set(id, contactIndex);
    }
    return record;
  }

  nextTaskId(): string {
    return String(ID_BASE.task + this.tasks.count());
  }

  associateTask(taskId: string, contact: string): void {
    const contacts = this.taskContacts.get(taskId) ?? new Set<string>();
    contacts.add(contact);
    this.taskContacts.set(taskId, contacts);
    const tasks = this.contactTasks.get(contact) ?? new Set<string>();
    tasks.add(taskId);
    this.contactTasks.set(contact, tasks);
  }

  /** Ids of the `to` objects associated with one object, or undefined when the pair is unsupported. */
  associatedIds(from: CrmObjectType, id: string, to: CrmObjectType): string[] | undefined {
    const contactIdx = from === 'contacts' ? this.contactIndexOf(id) : undefined;
    const companyIdx = from === 'companies' ? Number(id) - ID_BASE.company : undefined;
    const objectContact = () => {
      const index = this.activity.objectContact.get(id);
      return index === undefined ? [] : [contactId(index)];
    };
    switch (`${from}->${to}`) {
      case 'contacts->companies': {
        if (contactIdx === undefined) return [];
        const company = this.contactRecord(contactIdx).properties.associatedcompanyid;
        return company ? [company] : [];
      }
      case 'companies->contacts':
        return (this.activity.companyContacts.get(companyIdx!) ?? []).map(contactId);
      case 'contacts->deals':
        return contactIdx === undefined ? [] : this.activity.contactDeals.get(contactIdx) ?? [];
      case 'contacts->meetings':
        return contactIdx === undefined ? [] : this.activity.contactMeetings.get(contactIdx) ?? [];
      case 'contacts->calls':
        return contactIdx === undefined ? [] : this.activity.contactCalls.get(contactIdx) ?? [];
      case 'contacts->emails':
        return contactIdx === undefined ? [] : this.activity.contactEmails.get(contactIdx) ?? [];
      case 'contacts->tasks':
        return [...(this.contactTasks.get(id) ?? [])];
      case 'deals->contacts':
      case 'meetings->contacts':
      case 'calls->contacts':
      case 'emails->contacts':
        return objectContact();
      case 'tasks->contacts':
        return [...(this.taskContacts.get(id) ?? [])];
      case 'deals->companies': {
        const index = this.activity.objectContact.get(id);
        const company = index === undefined ? undefined : this.contactRecord(index).properties.associatedcompanyid;
        return company ? [company] : [];
      }
      case 'companies->deals':
        return this.activity.companyDeals.get(companyIdx!) ?? [];
      default:
        return undefined;
    }
  }
}
