import { readFileSync } from 'node:fs';
import { parseRulebook } from '../rulebook/load';
import type { Installation, Provider, SecretBox, Store, Workspace } from '../store';
import { connectorRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../connector/connector-registry';
import { parseCredentials, sealCredentials } from './credentials';
import { checkRatePolicyName } from './installation-rate-policy';

export interface ConnectSystem {
  provider: Provider;
  /** The account's id in its system (a portal, an org): one installation per account. */
  externalAccountId: string;
  displayName: string;
  /** In the shape the provider's connector declares (checked before anything is stored). */
  credentials: unknown;
  /**
   * The account's request budget, by name in the connector's `ratePolicies` (e.g. the tier an
   * operator configured); stored with the installation. Absent: left as it is (a new one: none).
   */
  ratePolicy?: string;
}

/** A new workspace with the default rulebook published, so scoring can start at once. */
export async function createWorkspace(store: Pick<Store, 'workspaces' | 'rulebooks'>, name: string, rulebookPath: string): Promise<Workspace> {
  const yaml = readFileSync(rulebookPath, 'utf8');
  const rulebook = parseRulebook(yaml, rulebookPath); // refuse to start on a broken rulebook
  const workspace = await store.workspaces.create(name);
  const draft = await store.rulebooks.createDraft(workspace.id, { versionLabel: rulebook.version, yaml, createdBy: 'system', note: `from ${rulebookPath}` });
  await store.rulebooks.publish(workspace.id, draft.id, 'system');
  return workspace;
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
  connectors: ConnectorRegistry = connectorRegistry,
): Promise<Installation[]> {
  // refuse an unknown provider or credentials that do not fit before creating anything
  const credentials = systems.map((system) =>
    parseCredentials({ id: `(new ${system.externalAccountId})`, provider: system.provider, displayName: system.displayName }, connectors.get(system.provider).credentialsSchema, system.credentials),
  );
  for (const system of systems) checkRatePolicyName(connectors.get(system.provider), system.ratePolicy);
  const existing = await Promise.all(systems.map((system) => store.installations.findByExternalAccount(system.provider, system.externalAccountId)));
  let workspaceId = existing.find((installation) => installation !== null)?.workspaceId;
  workspaceId ??= (await createWorkspace(store, workspaceName, rulebookPath)).id;
  const installations: Installation[] = [];
  for (const [index, system] of systems.entries()) {
    const installation =
      existing[index] ??
      (await store.installations.create(workspaceId, {
        provider: system.provider,
        externalAccountId: system.externalAccountId,
        displayName: system.displayName,
        status: 'active',
        ratePolicy: system.ratePolicy ?? null,
      }));
    await store.installations.setCredentials(installation.workspaceId, installation.id, sealCredentials(box, installation.id, credentials[index]));
    if (system.ratePolicy !== undefined && installation.ratePolicy !== system.ratePolicy) {
      await store.installations.setRatePolicy(installation.workspaceId, installation.id, system.ratePolicy);
    }
    installations.push((await store.installations.get(installation.workspaceId, installation.id))!);
  }
  return installations;
}
