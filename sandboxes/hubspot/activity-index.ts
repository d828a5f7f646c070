/**
 * Everything that has to be found across all people at once: engagement by time window (email
 * events, page views, form submissions), deals, meetings, calls, the emails reps send (CRM email
 * engagements, not marketing email) and the reverse associations.
 * Built lazily on first use by walking every seeded contact once, and kept in typed arrays sorted by
 * time so a window query is a binary search and 20,000 contacts' history costs a few MB.
 */
import { ID_BASE, type SeedPortal } from './seed';
import { CALL_TITLES, FOLLOW_UP_EMAIL_SUBJECTS, FORMS, MEETING_TITLES, REP_OWNER_IDS } from './seed-catalog';
import { EMAIL_EVENT_TYPES, type Call } from './seed-engagement';
import type { CrmRecord } from './crm-record';

// A module-level reference: `Date` is a slow global lookup inside Jest's vm context.
const NativeDate = Date;

const MINUTE = 60_000;

/** HubSpot's default call disposition GUIDs. */
export const CALL_DISPOSITIONS = {
  connected: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  noAnswer: '73a0d17f-1163-4015-bdd5-ec830791da20',
  leftVoicemail: 'b2cf5968-551e-4856-9783-52b3da59a7d0',
} as const;

export interface TimeSeries {
  readonly count: number;
  readonly t: Float64Array;
  readonly contact: Int32Array;
}
export interface WebSeries extends TimeSeries {
  readonly page: Uint16Array;
  readonly session: Uint32Array;
}
export interface EmailSeries extends TimeSeries {
  readonly type: Uint8Array;
  readonly campaign: Uint8Array;
  readonly url: Int16Array;
}

/** Index of the first element with t >= value in an ascending series. */
export function lowerBound(t: Float64Array, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedOrder(times: number[]): Uint32Array {
  const order = new Uint32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => times[a]! - times[b]! || a - b);
  return order;
}

export class ActivityIndex {
  readonly web: WebSeries;
  readonly email: EmailSeries;
  /** Per form index: submissions oldest first. */
  readonly forms: TimeSeries[];
  readonly deals: CrmRecord[] = [];
  readonly meetings: CrmRecord[] = [];
  readonly calls: CrmRecord[] = [];
  readonly emails: CrmRecord[] = [];
  /** Reverse associations, by contact index / company index / object position. */
  readonly contactDeals = new Map<number, string[]>();
  readonly contactMeetings = new Map<number, string[]>();
  readonly contactCalls = new Map<number, string[]>();
  readonly contactEmails = new Map<number, string[]>();
  readonly companyContacts = new Map<number, number[]>();
  readonly companyDeals = new Map<number, string[]>();
  readonly objectContact = new Map<string, number>();

  constructor(seed: SeedPortal) {
    const iso = (t: number) => new NativeDate(t).toISOString();
    const now = seed.options.now;
    const web = { t: [] as number[], contact: [] as number[], page: [] as number[], session: [] as number[] };
    const mail = { t: [] as number[], contact: [] as number[], type: [] as number[], campaign: [] as number[], url: [] as number[] };
    const forms = FORMS.map(() => ({ t: [] as number[], contact: [] as number[] }));
    let sessionBase = 0;

    for (let index = 0; index < seed.contactCount; index++) {
      const person = seed.contact(index);
      const e = seed.engagement(index);
      const owner = person.properties.hubspot_owner_id ?? REP_OWNER_IDS[index % REP_OWNER_IDS.length]!;
      if (person.companyIndex >= 0 && person.properties.associatedcompanyid) {
        const list = this.companyContacts.get(person.companyIndex) ?? [];
        list.push(index);
        this.companyContacts.set(person.companyIndex, list);
      }
      let maxSession = 0;
      for (const view of e.pageViews) {
        web.t.push(view.t);
        web.contact.push(index);
        web.page.push(view.page);
        // Session ids are per person in the generator; offset them so they are unique portal-wide.
        web.session.push(sessionBase + view.session);
        maxSession = Math.max(maxSession, view.session);
      }
      sessionBase += maxSession;
      for (const event of e.emails) {
        mail.t.push(event.t);
        mail.contact.push(index);
        mail.type.push(EMAIL_EVENT_TYPES.indexOf(event.type));
        mail.campaign.push(event.campaign);
        mail.url.push(event.url ?? -1);
      }
      for (const submission of e.forms) {
        forms[submission.form]!.t.push(submission.t);
        forms[submission.form]!.contact.push(index);
      }
      if (e.deal) {
        const id = String(ID_BASE.deal + this.deals.length);
        const d = e.deal;
        const label = person.properties.company ?? `${person.properties.lastname} account`;
        const modified = Math.min(now - MINUTE, (d.closed ? d.closeDate : d.createdAt) + 3_600_000);
        this.deals.push({
          id,
          createdAt: iso(d.createdAt),
          updatedAt: iso(modified),
          properties: {
            hs_object_id: id,
            dealname: `${label} - Asset Health Platform`,
            dealstage: d.stage,
            pipeline: 'default',
            amount: String(d.amount),
            closedate: iso(d.closeDate),
            createdate: iso(d.createdAt),
            hs_lastmodifieddate: iso(modified),
            hs_is_closed_won: String(d.won),
            hs_is_closed: String(d.closed),
            hubspot_owner_id: owner,
          },
        });
        this.contactDeals.set(index, [id]);
        this.objectContact.set(id, index);
        if (person.companyIndex >= 0 && person.properties.associatedcompanyid) {
          const list = this.companyDeals.get(person.companyIndex) ?? [];
          list.push(id);
          this.companyDeals.set(person.companyIndex, list);
        }
      }
      for (const m of e.meetings) {
        const id = String(ID_BASE.meeting + this.meetings.length);
        const created = m.outcome === 'SCHEDULED' ? now - 2 * 86_400_000 : m.t - 3 * 86_400_000;
        const modified = Math.min(now - MINUTE, m.outcome === 'SCHEDULED' ? created : m.t + m.minutes * MINUTE + 15 * MINUTE);
        this.meetings.push({
          id,
          createdAt: iso(created),
          updatedAt: iso(modified),
          properties: {
            hs_object_id: id,
            hs_timestamp: iso(m.t),
            hs_meeting_title: MEETING_TITLES[m.title] ?? 'Meeting',
            hs_meeting_start_time: iso(m.t),
            hs_meeting_end_time: iso(m.t + m.minutes * MINUTE),
            hs_meeting_outcome: m.outcome,
            hubspot_owner_id: owner,
            hs_createdate: iso(created),
            hs_lastmodifieddate: iso(modified),
          },
        });
        this.contactMeetings.set(index, [...(this.contactMeetings.get(index) ?? []), id]);
        this.objectContact.set(id, index);
      }
      for (const c of e.calls) {
        const id = String(ID_BASE.call + this.calls.length);
        const modified = Math.min(now - MINUTE, c.t + c.seconds * 1000 + 2 * MINUTE);
        this.calls.push({
          id,
          createdAt: iso(c.t),
          updatedAt: iso(modified),
          properties: {
            hs_object_id: id,
            hs_timestamp: iso(c.t),
            hs_call_title: CALL_TITLES[c.title] ?? 'Call',
            hs_call_direction: c.direction,
            hs_call_duration: String(c.connected ? c.seconds * 1000 : 0),
            hs_call_status: 'COMPLETED',
            hs_call_disposition: c.connected ? CALL_DISPOSITIONS.connected
              : c.seconds % 2 === 0 ? CALL_DISPOSITIONS.noAnswer : CALL_DISPOSITIONS.leftVoicemail,
            hubspot_owner_id: owner,
            hs_createdate: iso(c.t),
            hs_lastmodifieddate: iso(modified),
          },
        });
        this.contactCalls.set(index, [...(this.contactCalls.get(index) ?? []), id]);
        this.objectContact.set(id, index);
        this.followUpEmails(c, index, owner, now);
      }
    }

    const webOrder = sortedOrder(web.t);
    this.web = {
      count: webOrder.length,
      t: Float64Array.from(webOrder, (i) => web.t[i]!),
      contact: Int32Array.from(webOrder, (i) => web.contact[i]!),
      page: Uint16Array.from(webOrder, (i) => web.page[i]!),
      session: Uint32Array.from(webOrder, (i) => web.session[i]!),
    };
    const mailOrder = sortedOrder(mail.t);
    this.email = {
      count: mailOrder.length,
      t: Float64Array.from(mailOrder, (i) => mail.t[i]!),
      contact: Int32Array.from(mailOrder, (i) => mail.contact[i]!),
      type: Uint8Array.from(mailOrder, (i) => mail.type[i]!),
      campaign: Uint8Array.from(mailOrder, (i) => mail.campaign[i]!),
      url: Int16Array.from(mailOrder, (i) => mail.url[i]!),
    };
    this.forms = forms.map((f) => {
      const order = sortedOrder(f.t);
      return {
        count: order.length,
        t: Float64Array.from(order, (i) => f.t[i]!),
        contact: Int32Array.from(order, (i) => f.contact[i]!),
      };
    });
  }
  /**
   * The emails around a call nobody answered: the rep's follow-up (direction EMAIL, SENT) ten minutes
   * after it, and, for every fourth such call, the contact's reply (INCOMING_EMAIL, no touch) two hours
   * later. Derived from the call alone, with no draw from the person's PRNG, so seeding them changes
   * no other seeded value; emails that would fall after `now` are not there yet.
   */
  private followUpEmails(c: Call, index: number, owner: string, now: number): void {
    if (c.connected || c.direction !== 'OUTBOUND') return;
    const sent = c.t + c.seconds * 1000 + 10 * MINUTE;
    const subject = FOLLOW_UP_EMAIL_SUBJECTS[c.title % FOLLOW_UP_EMAIL_SUBJECTS.length]!;
    const emails: [number, string, string][] = [[sent, 'EMAIL', subject]];
    if (c.seconds % 4 === 0) emails.push([sent + 120 * MINUTE, 'INCOMING_EMAIL', `Re: ${subject}`]);
    for (const [t, direction, title] of emails) {
      if (t > now) continue;
      const id = String(ID_BASE.email + this.emails.length);
      const iso = new NativeDate(t).toISOString();
      this.emails.push({
        id,
        createdAt: iso,
        updatedAt: iso,
        properties: {
          hs_object_id: id,
          hs_timestamp: iso,
          hs_email_direction: direction,
          hs_email_status: 'SENT',
          hs_email_subject: title,
          hs_email_text: direction === 'EMAIL' ? 'Sorry I missed you on the phone. Would a short call this week work?' : 'Thanks, Thursday works for me.',
          hubspot_owner_id: owner,
          hs_createdate: iso,
          hs_lastmodifieddate: iso,
        },
      });
      this.contactEmails.set(index, [...(this.contactEmails.get(index) ?? []), id]);
      this.objectContact.set(id, index);
    }
  }
}
