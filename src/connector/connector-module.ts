import type { z } from 'zod';
import type { RatePolicy, RequestKind } from '../rate-limit/rate-policy';
import type { InstallCapability } from './connector-install';
import type { CrmConnector } from './crm-connector';
import type { CrmErrorClass } from './crm-error';
import type { FieldMapping } from './field-mapping';
import type { RefreshLock } from './refresh-lock';
import type { WebhookSupport } from './webhooks';

/**
 * What one connector folder (`connectors/<name>/`) gives the app: everything the app must know to
 * build, pace and understand it, as data and functions. The registry (`connectors/registry.ts`)
 * lists the modules; nothing else in the app names a vendor. Adding a connector is a folder that
 * exports one of these plus one registry line.
 */
export interface ConnectorModule<Credentials = unknown> {
  /** The id kept in the store (`installations.provider`) and in metrics. */
  readonly provider: string;
  /** How people call the system, for messages and the console. */
  readonly label: string;
  /**
   * The sealed credentials' shape. Decrypted credentials are parsed with it before use, so a
   * credential blob of another connector, or one missing a field, is a clear error, never a cast.
   */
  readonly credentialsSchema: z.ZodType<Credentials>;
  /**
   * The request budgets this system can have, by name. Each installation stores the name of its own
   * (`installations.rate_policy`), chosen at install or from configuration.
   */
  readonly ratePolicies: Readonly<Record<string, RatePolicy>>;
  /**
   * The budget of an installation that names none. Only for a system whose limits are the same for
   * every account; leave it out where they follow the account's app type or tier, so that no
   * installation is ever paced by a guess (the app refuses to run one without a policy).
   */
  readonly defaultRatePolicy?: RatePolicy;
  /** Whether it can hold rep tasks (a marketing automation platform cannot). */
  readonly createsTasks: boolean;
  /** Turns anything its connector threw into the shared shape (see crm-error.ts). */
  classifyError(error: unknown, now: number): CrmErrorClass;
  /** Builds a connector for one installation. */
  connect(credentials: Credentials, context: ConnectorContext<Credentials>): Promise<CrmConnector>;
  /**
   * Self-hosted single-account mode: an installation described by environment variables (for
   * example a private-app token), or null when they are not set. Throws naming the variable when
   * one is set but invalid.
   */
  fromEnvironment?(env: Readonly<Record<string, string | undefined>>): EnvironmentInstallation<Credentials> | null;
  /**
   * Optional: the system pushes record changes (webhooks.ts). Deliveries reach `POST
   * /webhooks/<provider>`; the changes they announce are pulled by id (CrmConnector.pullRecords).
   */
  readonly webhooks?: WebhookSupport;
  /**
   * Installing from the system itself (OAuth): its app's configuration from environment
   * variables, the scopes and why, the authorize URL, the code exchange, reading the account and
   * the user, revoking (connector-install.ts). Absent: the system is connected another way only.
   */
  readonly install?: InstallCapability<Credentials>;
  /**
   * Optional: where an admin opens one record in the system's own UI (the console links record
   * errors and identities to it), or null when it cannot be linked.
   */
  recordUrl?(account: { externalAccountId: string }, objectType: string, crmId: string): string | null;
}

export interface EnvironmentInstallation<Credentials> {
  externalAccountId: string;
  displayName: string;
  credentials: Credentials;
  /**
   * The rate policy the variables chose, by name in `ratePolicies`; stored with the installation.
   * Absent: `defaultRatePolicy` (a connector without one must choose here).
   */
  ratePolicy?: string;
  /** The variables that hold secrets, so the app registers them with the log redactor. */
  secrets: string[];
}

/** What the app hands a connector it builds: nothing vendor-specific, nothing it could misuse. */
export interface ConnectorContext<Credentials> {
  installationId: string;
  /** The admin's field mappings for this installation (the connector's defaults fill the rest). */
  mappings: readonly FieldMapping[];
  logger: ConnectorLogger;
  /**
   * Waits for the installation's shared request budget and counts the call; call what it returns
   * once the response is in (the slot stays counted until then: RateLimiter.lease).
   */
  beforeRequest(kind: RequestKind): Promise<() => Promise<void>>;
  /** Serialises token refreshes of one installation across every process. */
  refreshLock: RefreshLock;
  /**
   * The installation's current credentials in the store, for connectors whose tokens rotate: `load`
   * re-reads them (another process may have refreshed), `save` re-seals the new ones.
   */
  credentials: CredentialStore<Credentials>;
  /** Registers a secret with the log redactor, so it never reaches a log line. */
  registerSecret(secret: string | null | undefined): void;
  /**
   * The app's injected time (ms), for what a connector times itself (how long ago it was issued a
   * token); the wall clock when absent.
   */
  clock?: () => number;
}

export interface CredentialStore<Credentials> {
  load(): Promise<Credentials>;
  save(credentials: Credentials): Promise<void>;
}

export interface ConnectorLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}
