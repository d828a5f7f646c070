import { readFileSync } from 'node:fs';
import { parseRulebook } from '../rulebook/load';
import type { Installation, Provider, SecretBox, Store } from '../store';
import { sealCredentials, type CrmCredentials, type SalesforceCredentials } from './credentials';

export interface ConnectSystem {
  provider: Provider;
  /** HubSpot portal id, Salesforce org id, … */
  externalAccountId: string;
  displayName: string;
  credentials: CrmCredentials | SalesforceCredentials;
}

/**
 * Makes sure a connected system exists: its workspace (with the default rulebook published, so
 * scoring can start at once) and its installation with sealed credentials. Run again, it only
 * refreshes the credentials. Several systems passed together share one workspace.
 */
export async function ensureInstallations(
  store: Store,
  box: SecretBox,
  workspaceName: string,
  rulebookPath: string,
  systems: readonly ConnectSystem[],
): Promise<Installation[]> {
  const existing = await Promise.all(systems.map((system) => store.installations.findByExternalAccount(system.provider, system.externalAccountId)));
  let workspaceId = existing.find((installation) => installation !== null)?.workspaceId;
  if (!workspaceId) {
    const yaml = readFileSync(rulebookPath, 'utf8');
    const rulebook = parseRulebook(yaml, rulebookPath); // refuse to start on a broken rulebook
    const workspace = await store.workspaces.create(workspaceName);
    const draft = await store.rulebooks.createDraft(workspace.id, { versionLabel: rulebook.version, yaml, createdBy: 'system', note: `from ${rulebookPath}` });
    await store.rulebooks.publish(workspace.id, draft.id, 'system');
    workspaceId = workspace.id;
  }
  const installations: Installation[] = [];
  for (const [index, system] of systems.entries()) {
    const installation =
      existing[index] ??
      (await store.installations.create(workspaceId, {
        provider: system.provider,
        externalAccountId: system.externalAccountId,
        displayName: system.displayName,
        status: 'active',
      }));
    await store.installations.setCredentials(installation.workspaceId, installation.id, sealCredentials(box, installation.id, system.credentials));
    installations.push((await store.installations.get(installation.workspaceId, installation.id))!);
  }
  return installations;
}
