/**
 * The `opportunities` and `accounts` streams: changes that alter a contact's person without touching
 * the Contact record, so the `contacts` stream would not see them.
 *
 * - `opportunities`: Opportunities changed (queryAll: a deleted one drops from the counts), then
 *   OpportunityContactRoles changed (a role added or removed leaves the Opportunity's stamp alone),
 *   in one window: segments `Opportunity` then `roles`. The affected contacts are re-read and
 *   emitted with fresh deals (open, won, crmStage).
 * - `accounts`: Accounts changed → their contacts re-emitted with the new firmographics.
 *
 * The first pull reads no history: the `contacts` stream reads every contact with its deals and
 * account as of its own run, so these streams start at `now` (a watermark, no request).
 */
import type { PullPage, StreamCursor } from '../../../src/connector/crm-connector';
import { stringValue } from '../mapping/sf-record.util';
import type { SfRecord } from '../salesforce-api.types';
import { pullWindowPage, watermarkCursor, type PageContent, type WindowSegment } from './incremental-window';
import { queryAllPages } from './keyset-query';
import { isDeleted, peopleFields, readContactsById, recordsToPeople } from './people-reads';
import { chunk, ID_CHUNK, soqlIdList } from './soql.util';
import type { StreamDeps } from './stream-deps';

/** Records per page of a stream that fans out to contacts: bounded so one pull stays small. */
export const FANOUT_BATCH = 500;

async function refreshContacts(deps: StreamDeps, contacts: readonly SfRecord[]): Promise<PageContent> {
  return recordsToPeople(deps.api, deps.mappings, 'contact', contacts.filter((c) => !isDeleted(c)));
}

async function contactIdsOfRoles(deps: StreamDeps, opportunityIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const part of chunk([...new Set(opportunityIds)], ID_CHUNK)) {
    const roles = await queryAllPages(deps.api, `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId IN ${soqlIdList(part)}`, { includeDeleted: true });
    for (const role of roles) {
      const id = stringValue(role, 'ContactId');
      if (id) ids.push(id);
    }
  }
  return ids;
}

async function contactsById(deps: StreamDeps, ids: readonly string[], now: number): Promise<PageContent> {
  if (ids.length === 0) return { people: [], events: [] };
  const { fields } = await peopleFields(deps.describes, deps.mappings, 'contact', now);
  return refreshContacts(deps, await readContactsById(deps.api, fields, ids, false));
}

const idsOf = (records: readonly SfRecord[], field = 'Id') => records.flatMap((r) => stringValue(r, field) ?? []);

export function opportunitySegments(deps: StreamDeps, now: number): WindowSegment[] {
  const batchSize = Math.min(deps.options.batchSize, FANOUT_BATCH);
  return [
    {
      name: 'Opportunity',
      spec: async () => ({ sobject: 'Opportunity', fields: ['Id', 'SystemModstamp', 'IsDeleted'], includeDeleted: true, batchSize }),
      handle: async (records) => contactsById(deps, await contactIdsOfRoles(deps, idsOf(records)), now),
    },
    {
      name: 'roles',
      spec: async () => ({ sobject: 'OpportunityContactRole', fields: ['Id', 'ContactId', 'SystemModstamp', 'IsDeleted'], includeDeleted: true, batchSize }),
      handle: async (records) => contactsById(deps, idsOf(records, 'ContactId'), now),
    },
  ];
}

export function accountSegments(deps: StreamDeps, now: number): WindowSegment[] {
  return [{
    name: 'Account',
    spec: async () => ({ sobject: 'Account', fields: ['Id', 'SystemModstamp'], includeDeleted: false, batchSize: Math.min(deps.options.batchSize, FANOUT_BATCH) }),
    handle: async (records) => {
      const accountIds = idsOf(records);
      if (accountIds.length === 0) return { people: [], events: [] };
      const { fields } = await peopleFields(deps.describes, deps.mappings, 'contact', now);
      const contacts: SfRecord[] = [];
      for (const part of chunk(accountIds, ID_CHUNK)) {
        contacts.push(...(await queryAllPages(deps.api, `SELECT ${fields.join(', ')} FROM Contact WHERE AccountId IN ${soqlIdList(part)}`)));
      }
      return refreshContacts(deps, contacts);
    },
  }];
}

export async function pullContactRefresh(
  deps: StreamDeps,
  stream: 'opportunities' | 'accounts',
  cursor: StreamCursor | null,
  now: number,
): Promise<PullPage> {
  const segments = stream === 'opportunities' ? opportunitySegments(deps, now) : accountSegments(deps, now);
  if (cursor === null) return { people: [], events: [], next: watermarkCursor(segments, new Date(now).toISOString()), more: false };
  return pullWindowPage(deps.api, stream, segments, cursor, now, deps.options.overlapMs);
}
