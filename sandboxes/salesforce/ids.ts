/**
 * Salesforce record ids: 15 case-sensitive characters (3-character key prefix that names the sObject,
 * 2-character pod, a reserved "0", a 9-character base-62 record number) plus the 3-character
 * case-insensitive checksum that makes the 18-character form. The sandbox always answers with the
 * 18-character form and accepts either, as Salesforce does.
 */

/** Key prefixes as Salesforce assigns them, so an id in a log says what it is. */
export const KEY_PREFIXES = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  GroupMember: '011',
  LeadStatus: '01J',
  Group: '00G',
  UserRole: '00E',
  OpportunityContactRole: '00K',
  CustomField: '00N',
  Lead: '00Q',
  Task: '00T',
  Event: '00U',
  Organization: '00D',
  CampaignMember: '00v',
  Campaign: '701',
  QueueSobject: '03g',
  PermissionSet: '0PS',
  FieldPermissions: '01k',
  PermissionSetAssignment: '0Pa',
  BulkQueryJob: '750',
  QueryLocator: '0r8',
} as const;
export type KeyPrefixOwner = keyof typeof KEY_PREFIXES;

/** The sandbox's pod: ids read like `00Q8d0000012AbCEAX`. */
const POD = '8d';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
/** Record numbers start here so the 9 digits are not mostly zeros. */
const NUMBER_BASE = 62 ** 5 * 3;

function base62(n: number, width: number): string {
  let out = '';
  let rest = Math.floor(n);
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** The 3-character suffix: each 5-character chunk gives a 5-bit mask of its upper-case letters. */
export function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const code = id15.charCodeAt(chunk * 5 + i);
      if (code >= 65 && code <= 90) bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits]!;
  }
  return suffix;
}

const codes = new Array<number>(18).fill(48);
const fromCharCode = String.fromCharCode;

/** The id of record number `n` (0-based) of a key prefix; the same n always gives the same id. */
export function makeId(prefix: string, n: number): string {
  // built from char codes: a flat string (a concatenated one costs a copy whenever a Map hashes it)
  const id15 = `${prefix}${POD}0${base62(NUMBER_BASE + n * 7919, 9)}`;
  const id = id15 + checksum(id15);
  for (let i = 0; i < 18; i++) codes[i] = id.charCodeAt(i);
  return fromCharCode.apply(null, codes);
}

/** 18-character form of a well-formed 15- or 18-character id, or undefined when it is not one. */
export function normalizeId(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(text)) return undefined;
  const id15 = text.slice(0, 15);
  const expected = checksum(id15);
  if (text.length === 18 && text.slice(15).toUpperCase() !== expected) return undefined;
  return id15 + expected;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

/** Hands out ids per key prefix in sequence (seeded records first, then records created through the API). */
export class IdSequence {
  private readonly next = new Map<string, number>();

  take(prefix: string): string {
    const n = this.next.get(prefix) ?? 0;
    this.next.set(prefix, n + 1);
    return makeId(prefix, n);
  }

  /** Reserves the first `count` numbers of a prefix (records whose ids come from their seed index). */
  reserve(prefix: string, count: number): void {
    this.next.set(prefix, Math.max(this.next.get(prefix) ?? 0, count));
  }
}
