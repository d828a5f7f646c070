import type { Installation, Sealed, SecretBox, Store } from '../store';

/** What a connector needs to reach its CRM. Kept sealed in the store; never logged or put in jobs. */
export interface CrmCredentials {
  accessToken: string;
  /** API base URL: the vendor's by default, the local sandbox in the demo and tests. */
  basePath?: string;
}

/**
 * A Salesforce org connected through the connected app (OAuth web-server flow). The access and
 * refresh tokens rotate: the connector re-seals the latest pair here after each refresh.
 */
export interface SalesforceCredentials extends CrmCredentials {
  /** `https://<my-domain>.my.salesforce.com` (from the token response's `instance_url`), or the sandbox. */
  instanceUrl: string;
  /** Token endpoint host: https://login.salesforce.com, https://test.salesforce.com for a Salesforce sandbox org. */
  loginUrl?: string;
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
  /** REST API version, e.g. "62.0" (default in the connector). */
  apiVersion?: string;
}

/** The installation id binds the ciphertext to its row: copied elsewhere, it does not open. */
export function sealCredentials(box: SecretBox, installationId: string, credentials: CrmCredentials | SalesforceCredentials): Sealed {
  return box.seal(JSON.stringify(credentials), installationId);
}

export async function openCredentials(store: Store, box: SecretBox, installation: Installation): Promise<CrmCredentials> {
  const sealed = await store.installations.getCredentials(installation.workspaceId, installation.id);
  if (!sealed) throw new Error(`installation ${installation.id} (${installation.provider} ${installation.displayName}) has no credentials`);
  return JSON.parse(box.open(sealed, installation.id)) as CrmCredentials;
}

/** Checks the Salesforce fields are there; the error names the missing fields, never a value. */
export function asSalesforceCredentials(credentials: CrmCredentials, installationId: string): SalesforceCredentials {
  const c = credentials as Partial<SalesforceCredentials>;
  const missing = (['instanceUrl', 'clientId', 'accessToken', 'refreshToken'] as const).filter((k) => typeof c[k] !== 'string' || c[k] === '');
  if (missing.length > 0) {
    throw new Error(`installation ${installationId}: Salesforce credentials lack ${missing.join(', ')}; reconnect the org`);
  }
  return c as SalesforceCredentials;
}
