import { createHash } from 'node:crypto';
import type { CrmConnector, CrmWrite } from '../connector/crm-connector';

/**
 * Turns the properties a decision wants in the CRM into the write actually needed: drops what the
 * admin marked "never", what is "only if empty" but already filled, and what the CRM already holds.
 * Returns null when nothing is left to write.
 */
export function planWrite(
  connector: Pick<CrmConnector, 'writePolicyFor'>,
  target: { crmId: string; objectType: CrmWrite['objectType']; current: Record<string, string | null> },
  desired: Record<string, string>,
): CrmWrite | null {
  const properties: Record<string, string> = {};
  for (const [property, value] of Object.entries(desired)) {
    const current = target.current[property];
    const policy = connector.writePolicyFor?.(property) ?? 'always';
    if (policy === 'never') continue;
    if (policy === 'if_empty' && current !== null && current !== undefined && current !== '') continue;
    if (current === value) continue;
    properties[property] = value;
  }
  if (Object.keys(properties).length === 0) return null;
  return { crmId: target.crmId, objectType: target.objectType, properties, current: target.current };
}

/** A stable fingerprint of what is written, so the same values are never written twice. */
export function hashWrite(write: CrmWrite): string {
  const sorted = Object.keys(write.properties)
    .sort()
    .map((key) => [key, write.properties[key]]);
  return createHash('sha256').update(JSON.stringify([write.crmId, sorted])).digest('hex');
}
