import type { CrmConnector, SchemaSetupResult } from '../connector/crm-connector';
import type { Logger } from '../log/logger';
import type { Installation, Repositories } from '../store';

/**
 * Records what a connector could not do against its installation (InstallationProblem), so a
 * console shows each problem with its fix while the sync carries on with the rest. Knows no vendor.
 */

/** What setup found replaces what it found last time (a fixed problem disappears). */
export async function recordSetupProblems(
  store: Pick<Repositories, 'problems'>,
  installation: Pick<Installation, 'id' | 'workspaceId'>,
  result: SchemaSetupResult | void,
  now: number,
  logger?: Pick<Logger, 'warn'>,
): Promise<void> {
  const problems = result?.problems ?? [];
  const added = await store.problems.replaceSetupProblems(installation.workspaceId, installation.id, problems, new Date(now));
  warnOfNew(logger, installation, problems, added);
}

/** Problems the connector found while pulling, writing or creating tasks since it was last asked. */
export async function recordConnectorProblems(
  store: Pick<Repositories, 'problems'>,
  installation: Pick<Installation, 'id' | 'workspaceId'>,
  connector: Pick<CrmConnector, 'takeProblems'>,
  now: number,
  logger?: Pick<Logger, 'warn'>,
): Promise<void> {
  const problems = connector.takeProblems?.() ?? [];
  if (problems.length === 0) return;
  const added = await store.problems.record(installation.workspaceId, installation.id, 'runtime', problems, new Date(now));
  warnOfNew(logger, installation, problems, added);
}

function warnOfNew(
  logger: Pick<Logger, 'warn'> | undefined,
  installation: Pick<Installation, 'id'>,
  problems: readonly { key: string; code: string; message: string }[],
  added: readonly string[],
): void {
  const fresh = new Set(added);
  for (const problem of problems) {
    if (fresh.has(problem.key)) logger?.warn('installation problem recorded', { installationId: installation.id, code: problem.code, problem: problem.message });
  }
}
