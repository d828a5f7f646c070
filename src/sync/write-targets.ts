import type { PersonIdentity } from '../store';

/**
 * The one record per installation that carries a person's decision. A person can have several
 * live records in one CRM (a lead and a contact with the same email, not converted):
 * the contact wins, because it is where sales works the person once it exists; ties go to the
 * lowest id so every worker picks the same record. Retired records never come in here.
 */
export function writeTargets(identities: readonly PersonIdentity[]): PersonIdentity[] {
  const byInstallation = new Map<string, PersonIdentity>();
  for (const identity of identities) {
    if (identity.objectType !== 'contact' && identity.objectType !== 'lead') continue;
    if (identity.retiredReason) continue;
    const current = byInstallation.get(identity.installationId);
    if (!current || rank(identity) < rank(current) || (rank(identity) === rank(current) && identity.crmId < current.crmId)) {
      byInstallation.set(identity.installationId, identity);
    }
  }
  return [...byInstallation.values()];
}

const rank = (identity: PersonIdentity): number => (identity.objectType === 'contact' ? 0 : 1);
