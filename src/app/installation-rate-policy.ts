import type { ConnectorModule } from '../connector/connector-module';
import type { RatePolicy } from '../rate-limit';
import type { Installation } from '../store';

type PolicySource = Pick<ConnectorModule, 'label' | 'ratePolicies' | 'defaultRatePolicy'>;
type Named = Pick<Installation, 'id' | 'provider' | 'displayName'>;

/**
 * The request budget an installation runs with: the policy stored with it (chosen at install, or
 * from configuration in single-account mode), else its connector's default, which only a connector
 * whose limits are the same for every account declares. A CRM whose limits follow the account's app
 * type and tier has no default: an installation without a policy is refused, never paced by a guess
 * (a guess above the account's real limit earns 429s; one below wastes its quota).
 */
export function installationRatePolicy(module: PolicySource, installation: Named & Pick<Installation, 'ratePolicy'>): RatePolicy {
  const name = installation.ratePolicy;
  if (name !== null && name !== undefined) {
    if (Object.hasOwn(module.ratePolicies, name)) return module.ratePolicies[name]!;
    throw new RatePolicyError(installation, `names rate policy "${name}", which ${module.label} does not have (${choices(module)})`);
  }
  if (module.defaultRatePolicy) return module.defaultRatePolicy;
  throw new RatePolicyError(
    installation,
    `has no rate policy, and ${module.label}'s limits depend on the account (its app type and tier): reconnect it, or choose one in its configuration (${choices(module)})`,
  );
}

/** Refuses a policy name the connector does not have, before anything is stored. */
export function checkRatePolicyName(module: PolicySource, name: string | null | undefined): void {
  if (name === null || name === undefined || Object.hasOwn(module.ratePolicies, name)) return;
  throw new Error(`${module.label} has no rate policy "${name}" (${choices(module)})`);
}

function choices(module: PolicySource): string {
  return `one of ${Object.keys(module.ratePolicies).join(', ')}`;
}

export class RatePolicyError extends Error {
  override readonly name = 'RatePolicyError';
  readonly code = 'RATE_POLICY_MISSING';
  /** Retrying cannot help: an admin must choose the account's policy. */
  readonly retryable = false;
  constructor(installation: Named, problem: string) {
    super(`installation ${installation.id} (${installation.provider} ${installation.displayName}) ${problem}`);
  }
}
