import type { Queryable } from '../src/store';
import type { OrgRecords } from './demo-funnel-salesforce';

/** The workspace's people by where their live records are (a lead or contact not deleted, merged or converted). */
export interface WorkspacePeople {
  total: number;
  /** People with a live record in the HubSpot installation, and how many records those are. */
  hubspot: { people: number; records: number };
  salesforce: { people: number; records: number };
  both: number;
  /** People with no live record in either: only records since deleted, merged or converted, or none at all. */
  neither: { retiredOnly: number; noRecord: number };
}

export async function countWorkspacePeople(db: Queryable, installations: { hubspot: string; salesforce: string }): Promise<WorkspacePeople> {
  const { rows } = await db.query<Record<string, number>>(
    `WITH live AS (
       SELECT person_id, installation_id, count(*)::int AS records FROM person_identities
        WHERE retired_at IS NULL AND object_type IN ('contact', 'lead') AND installation_id = ANY($1::uuid[])
        GROUP BY person_id, installation_id)
     SELECT count(*)::int AS total,
            count(h.person_id)::int AS "hubspotPeople", coalesce(sum(h.records), 0)::int AS "hubspotRecords",
            count(s.person_id)::int AS "salesforcePeople", coalesce(sum(s.records), 0)::int AS "salesforceRecords",
            count(*) FILTER (WHERE h.person_id IS NOT NULL AND s.person_id IS NOT NULL)::int AS both,
            count(*) FILTER (WHERE h.person_id IS NULL AND s.person_id IS NULL
                               AND EXISTS (SELECT 1 FROM person_identities r WHERE r.person_id = p.id))::int AS "retiredOnly",
            count(*) FILTER (WHERE h.person_id IS NULL AND s.person_id IS NULL
                               AND NOT EXISTS (SELECT 1 FROM person_identities r WHERE r.person_id = p.id))::int AS "noRecord"
       FROM people p
       LEFT JOIN live h ON h.person_id = p.id AND h.installation_id = $2
       LEFT JOIN live s ON s.person_id = p.id AND s.installation_id = $3`,
    [[installations.hubspot, installations.salesforce], installations.hubspot, installations.salesforce],
  );
  const r = rows[0]!;
  return {
    total: r.total!,
    hubspot: { people: r.hubspotPeople!, records: r.hubspotRecords! },
    salesforce: { people: r.salesforcePeople!, records: r.salesforceRecords! },
    both: r.both!,
    neither: { retiredOnly: r.retiredOnly!, noRecord: r.noRecord! },
  };
}

const n = (value: number) => value.toLocaleString('en-US');
const WIDTH = 68;
const row = (label: string, value: number) => `${label.padEnd(WIDTH)}${n(value).padStart(7)}`;

/**
 * How the two funnels add up to the workspace's people, every figure counted: the Salesforce
 * funnel's records against the org's Leads and Contacts (converted, merged and deleted ones are not
 * in it), then people in the HubSpot funnel + people in the Salesforce funnel − people in both
 * (+ people in neither) = the workspace. Returns the lines, and whether the funnels read back agree
 * with the records Leadstage holds and everything adds up.
 */
export function renderReconciliation(
  funnels: { hubspot: number; salesforce: number },
  people: WorkspacePeople,
  org: OrgRecords,
): { lines: string[]; addsUp: boolean } {
  const problems: string[] = [];
  const lines: string[] = [];

  // the Salesforce funnel counts open leads and contacts, not every Lead and Contact the org has had
  const { leads, contacts } = org;
  const open = leads.open + contacts.live;
  lines.push(`The Salesforce funnel's ${n(funnels.salesforce)} records, from the org's ${n(leads.all)} leads and ${n(contacts.all)} contacts`);
  const item = (sign: string, count: number, text: string) => {
    if (count !== 0 || sign === '') lines.push(`  ${sign.padEnd(2)}${n(count).padStart(6)}  ${text}`);
  };
  item('', leads.all, 'leads');
  item('−', leads.converted, 'converted: each followed to the contact it became (one person, counted once, as that contact)');
  item('−', leads.merged, 'merged into another lead (same person; deleted, naming the survivor)');
  item('−', leads.deleted, 'deleted');
  item('+', contacts.all, 'contacts');
  item('−', contacts.merged, 'merged into another contact (same person; deleted, naming the survivor)');
  item('−', contacts.deleted, 'deleted');
  item('=', open, 'open leads and contacts in the funnel');
  if (open !== funnels.salesforce) problems.push(`the org holds ${n(open)} open leads and contacts, the funnel shows ${n(funnels.salesforce)}`);
  if (people.salesforce.records !== people.salesforce.people) {
    lines.push(`  (${n(people.salesforce.records - people.salesforce.people)} of them people with both an open lead and a contact: ${n(people.salesforce.people)} people)`);
  }

  const neither = people.neither.retiredOnly + people.neither.noRecord;
  const sum = people.hubspot.people + people.salesforce.people - people.both + neither;
  lines.push('', `${'How the two funnels add up to one company'.padEnd(WIDTH)}${'people'.padStart(7)}`);
  lines.push(row(`  people in the HubSpot funnel (${n(funnels.hubspot)} contacts)`, people.hubspot.people));
  if (people.hubspot.records !== people.hubspot.people) {
    lines.push(`      (${n(people.hubspot.records - people.hubspot.people)} people with two contacts, counted once)`);
  }
  lines.push(row(`+ people in the Salesforce funnel (${n(funnels.salesforce)} open leads and contacts)`, people.salesforce.people));
  lines.push(row('− people in both funnels (the same email in both: one person)', people.both));
  if (neither > 0) {
    lines.push(row('+ people in neither funnel', neither));
    if (people.neither.retiredOnly > 0) lines.push(`      (${n(people.neither.retiredOnly)} known only from the engagement of a lead or contact since deleted or merged away)`);
    if (people.neither.noRecord > 0) lines.push(`      (${n(people.neither.noRecord)} known only by the email on engagement that no record carries)`);
  }
  lines.push(row('= people in the workspace', sum));
  if (sum !== people.total) problems.push(`the workspace holds ${n(people.total)} people, not ${n(sum)}`);
  if (funnels.hubspot !== people.hubspot.records) {
    problems.push(`the HubSpot funnel shows ${n(funnels.hubspot)} contacts, Leadstage holds ${n(people.hubspot.records)}`);
  }
  if (funnels.salesforce !== people.salesforce.records) {
    problems.push(`the Salesforce funnel shows ${n(funnels.salesforce)} records, Leadstage holds ${n(people.salesforce.records)} open leads and contacts`);
  }
  for (const problem of problems) lines.push(`  does not add up: ${problem}`);

  const closing = [
    `${n(people.hubspot.people)} in the HubSpot funnel`,
    `+ ${n(people.salesforce.people)} in the Salesforce funnel`,
    `− ${n(people.both)} in both`,
    ...(neither > 0 ? [`+ ${n(neither)} in neither`] : []),
  ];
  lines.push('', `One company, one funnel: ${n(people.total)} people = ${closing.join(' ')}`);
  return { lines, addsUp: problems.length === 0 };
}
