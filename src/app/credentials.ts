import type { Installation, Sealed, SecretBox, Store } from '../store';

/** What a connector needs to reach its CRM. Kept sealed in the store; never logged or put in jobs. */
export interface CrmCredentials {
  accessToken: string;
  /** API base URL: the vendor's by default, the local sandbox in the demo and tests. */
  basePath?: string;
}

/** The installation id binds the ciphertext to its row: copied elsewhere, it does not open. */
export function sealCredentials(box: SecretBox, installationId: string, credentials: CrmCredentials): Sealed {
  return box.seal(JSON.stringify(credentials), installationId);
}

export async function openCredentials(store: Store, box: SecretBox, installation: Installation): Promise<CrmCredentials> {
  const sealed = await store.installations.getCredentials(installation.workspaceId, installation.id);
  if (!sealed) throw new Error(`installation ${installation.id} (${installation.provider} ${installation.displayName}) has no credentials`);
  return JSON.parse(box.open(sealed, installation.id)) as CrmCredentials;
}
