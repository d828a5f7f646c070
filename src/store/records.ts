import type { Decision } from '../model/decision';
import type { Sealed } from './secret-box';

/**
 * Shapes the repositories return and accept. Canonical data (Person, EngagementEvent, Decision)
 * comes from src/model; these are the store's own records around it. Times are ISO strings.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Workspace {
  id: string;
  name: string;
  /** IANA zone: scores fade by whole days here, and SLA clocks run here when the owner's is unknown. */
  timeZone: string;
  createdAt: string;
}

/**
 * A connector's id (`connectors/registry.ts` lists them). The store keeps it as text: adding a
 * connector needs no migration, and the app validates it against the registry at its edges.
 */
export type Provider = string;

/**
 * `needs_reauth`: the CRM refused the credentials for good (revoked, uninstalled): jobs wait until
 * an admin reconnects. `disconnected`: an admin disconnected it: no work runs, tokens are revoked.
 */
export const INSTALLATION_STATUSES = ['pending', 'active', 'paused', 'needs_reauth', 'disconnected', 'error'] as const;
export type InstallationStatus = (typeof INSTALLATION_STATUSES)[number];

export interface Installation {
  id: string;
  workspaceId: string;
  provider: Provider;
  /** The account's id in its system (a portal, an org, a business unit): unique per provider. */
  externalAccountId: string;
  displayName: string;
  status: InstallationStatus;
  /** Why it is not active (for the console), or null. */
  statusReason: string | null;
  /**
   * The request budget the account's CRM grants this installation, by name in its connector's
   * `ratePolicies` (chosen at install or from configuration); null: the connector's default, if it has one.
   */
  ratePolicy: string | null;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewInstallation {
  provider: Provider;
  externalAccountId: string;
  displayName: string;
  status?: InstallationStatus;
  credentials?: Sealed;
  ratePolicy?: string | null;
}

export type WorkspaceRole = 'admin' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
}

export interface Membership {
  workspaceId: string;
  userId: string;
  role: WorkspaceRole;
}

export interface MemberRecord extends Membership {
  email: string;
  name: string | null;
}

export interface SessionRecord {
  workspaceId: string;
  userId: string;
  role: WorkspaceRole;
  email: string;
  csrfToken: string;
  expiresAt: string;
}

export interface OAuthStateRecord {
  provider: string;
  purpose: 'install' | 'signin';
  codeVerifierSealed: string | null;
  sessionHash: string | null;
  expiresAt: string;
}

export type { FieldMapping, MappingDirection, WritePolicy } from '../connector/field-mapping';

export type RulebookStatus = 'draft' | 'published' | 'archived';

export interface RulebookVersion {
  id: string;
  workspaceId: string;
  versionLabel: string;
  yaml: string;
  status: RulebookStatus;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
  note: string | null;
}

export interface NewRulebookDraft {
  versionLabel: string;
  yaml: string;
  createdBy: string;
  note?: string | null;
}

/** A CRM record: which object in which installation. */
export interface CrmRecordRef {
  installationId: string;
  objectType: string;
  crmId: string;
}

export interface PersonIdentity extends CrmRecordRef {
  personId: string;
  /** The CRM's values of the properties Leadstage writes, as last pulled. */
  crmValues: Record<string, string | null>;
  /** Why the record is no longer written to (converted, deleted, merged), or null while live. */
  retiredReason?: 'converted' | 'deleted' | 'merged' | null;
}

export interface StoredState {
  decision: Decision;
  rulebookVersion: string;
  decidedAt: string;
}

export interface StageTransitionRecord {
  personId: string;
  fromStage: string;
  toStage: string;
  reason: string;
  at: string;
  rulebookVersion: string;
}

export type TaskStatus = 'pending' | 'created' | 'failed';

export interface TaskRecord {
  id: string;
  installationId: string;
  personId: string;
  handoffKey: string;
  crmTaskId: string | null;
  dueAt: string;
  status: TaskStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  /** The SLA handoff it belongs to (migration 011), null for a task reserved before handoffs existed. */
  slaHandoffId: string | null;
  kind: TaskKind;
  step: number | null;
  ownerId: string | null;
  subject: string | null;
}

/** A handoff's first-touch task, a later cadence step, the escalation of an overdue first touch, a held handoff's task for marketing. */
export type TaskKind = 'first_touch' | 'cadence' | 'escalation' | 'held';

export interface OutboxItem {
  id: number;
  installationId: string;
  personId: string;
  payload: JsonValue;
  hash: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
}

export interface RecordError {
  id: number;
  installationId: string;
  personId: string | null;
  crmId: string | null;
  code: string;
  message: string;
  details: JsonValue | null;
  createdAt: string;
  /** When a later write of the person to this system was confirmed (migration 008); retention prunes resolved errors. */
  resolvedAt: string | null;
}
