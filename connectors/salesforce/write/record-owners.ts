/**
 * Who owns Leads and Contacts right now, read fresh before a handoff: the owner Leadstage pulled
 * may be stale, and a Lead in a queue (OwnerId 00G…) gets a user owner only from the org's
 * assignment rule. One query per ≤200 ids and object.
 */
import type { SalesforceApi, SfRecord } from '../salesforce-api.types';
import { soqlLiteral } from './soql-literal.util';

const ID = /^[A-Za-z0-9]{15,18}$/;
const CHUNK = 200;

/** Queues own records with ids of key prefix 00G (Group); users have 005. */
export function isQueueId(id: string | null | undefined): boolean {
  return typeof id === 'string' && id.startsWith('00G');
}

export function isUserId(id: string | null | undefined): boolean {
  return typeof id === 'string' && id.startsWith('005');
}

/** id → OwnerId for the records that exist (deleted or unknown ids are absent). */
export async function currentOwners(api: Pick<SalesforceApi, 'query' | 'queryMore'>, sobject: 'Lead' | 'Contact', ids: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const valid = [...new Set(ids.filter((id) => ID.test(id)))];
  for (let i = 0; i < valid.length; i += CHUNK) {
    const chunk = valid.slice(i, i + CHUNK);
    let page = await api.query<SfRecord & { Id: string; OwnerId: string | null }>(
      `SELECT Id, OwnerId FROM ${sobject} WHERE Id IN (${chunk.map(soqlLiteral).join(', ')})`,
    );
    for (;;) {
      for (const record of page.records) out.set(record.Id, typeof record.OwnerId === 'string' ? record.OwnerId : null);
      if (page.done || !page.nextRecordsUrl) break;
      page = await api.queryMore(page.nextRecordsUrl);
    }
  }
  // A query answers with 18-character ids; callers may hold 15-character ones.
  for (const id of valid) {
    if (id.length === 15 && !out.has(id)) {
      const long = [...out.keys()].find((k) => k.startsWith(id));
      if (long !== undefined) out.set(id, out.get(long) ?? null);
    }
  }
  return out;
}
