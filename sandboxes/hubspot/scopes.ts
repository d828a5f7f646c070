/**
 * Which granted scope an OAuth call needs (any one of the list), by endpoint family; a token without
 * it gets HubSpot's 403 MISSING_SCOPES. Only the families whose scopes the reference names are checked
 * (§1.8: contacts read/write — the write scope also covers tasks —, contact schemas, owners, plus the
 * companies and deals read scopes, email engagements); others are not (undefined). Private-app tokens
 * are never checked.
 */
const RULES: readonly [method: RegExp, path: RegExp, scopes: string[]][] = [
  [/^GET$/, /^\/crm\/v3\/properties\/contacts(\/.*)?$/, ['crm.schemas.contacts.read', 'crm.schemas.contacts.write']],
  [/^(POST|PATCH|PUT|DELETE)$/, /^\/crm\/v3\/properties\/contacts(\/.*)?$/, ['crm.schemas.contacts.write']],
  [/^(PATCH|PUT|DELETE)$/, /^\/crm\/v3\/objects\/contacts(\/.*)?$/, ['crm.objects.contacts.write']],
  [/^POST$/, /^\/crm\/v3\/objects\/contacts\/batch\/(update|create|archive|upsert)$/, ['crm.objects.contacts.write']],
  [/^(GET|POST)$/, /^\/crm\/v3\/objects\/contacts(\/.*)?$/, ['crm.objects.contacts.read', 'crm.objects.contacts.write']],
  [/^POST$/, /^\/crm\/v3\/objects\/tasks\/batch\/create$/, ['crm.objects.contacts.write']],
  // engagements (calls) a rep logs on a contact need the contacts write scope, as tasks do
  [/^POST$/, /^\/crm\/v3\/objects\/(calls|emails)$/, ['crm.objects.contacts.write']],
  // email engagements: any of these reads them; without sales-email-read their content is redacted (crm-objects.ts)
  [/^(GET|POST)$/, /^\/crm\/v3\/objects\/emails(\/.*)?$/, ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'sales-email-read']],
  [/^POST$/, /^\/crm\/v4\/associations\/emails\/[^/]+\/batch\/read$/, ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'sales-email-read']],
  [/^(GET|POST)$/, /^\/crm\/v3\/objects\/companies(\/.*)?$/, ['crm.objects.companies.read', 'crm.objects.companies.write']],
  [/^(GET|POST)$/, /^\/crm\/v3\/objects\/deals(\/.*)?$/, ['crm.objects.deals.read', 'crm.objects.deals.write']],
  [/^GET$/, /^\/crm\/v3\/owners(\/.*)?$/, ['crm.objects.owners.read']],
];

export function requiredScopes(method: string, path: string): string[] | undefined {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [m, p, scopes] of RULES) if (m.test(method) && p.test(trimmed)) return scopes;
  return undefined;
}
