/** What every route handler may use: the org, the clock, auth, limits, faults, cursors, jobs and counters. */
import type { Request, Response } from 'express';
import type { SandboxClock } from '../kit/clock';
import type { Prng } from '../kit/prng';
import type { ApiLimits } from './api-limits';
import type { AuthServer } from './auth';
import type { BulkQueryJobs } from './bulk-jobs';
import type { Faults } from './faults';
import type { LeadAssignment } from './lead-assignment';
import type { OrgRules } from './org-rules';
import type { OrgStore } from './org-store';
import type { PermissionSettings } from './permissions';
import type { QueryCursors } from './query-cursors';
import type { DeserializationMode, WriteEnv } from './record-writes';
import type { SeedDescription } from './seed-showcase';
import type { SandboxStats } from './stats';

/**
 * Which host a request came in on: one loopback listener for everything (`single`), or with
 * `hosts: 'separate'` the stand-ins for login.salesforce.com (`login`), test.salesforce.com (`test`) and
 * the org's My Domain (`instance`), each its own port.
 */
export type HostKind = 'single' | 'login' | 'test' | 'instance';

export interface SandboxContext {
  store: OrgStore;
  clock: SandboxClock;
  faults: Faults;
  limits: ApiLimits;
  stats: SandboxStats;
  auth: AuthServer;
  cursors: QueryCursors;
  bulk: BulkQueryJobs;
  assignment: LeadAssignment;
  /** The org's validation rules and edited picklists (org-rules.ts). */
  rules: OrgRules;
  /** Seeded generator for per-request randomness (record-fail ratio, error ids). */
  prng: Prng;
  orgId: string;
  /** The base URL once listening (`http://127.0.0.1:<port>`): the org's instance. */
  url(): string;
  /** The host a request came in on. */
  hostOf(req: Request): HostKind;
  /** Whether the org logs users in through this host (its login domain, or its My Domain). */
  loginAccepted(host: HostKind): boolean;
  /** The authorize page's browser: logged in as this user who already approved the app (skips the page), or nobody. */
  oauthSession: { userId: string | null };
  describeSeed(): SeedDescription;
  /** An admin grants edit access to custom fields (all, or one `Object.Field__c`) on the users' profile. */
  grantFieldAccess(fullName?: string): number;
  /** An admin takes access to a custom field away (profile and permission sets). */
  revokeFieldAccess(fullName: string): number;
  /** Field-level security follows the permission sets assigned to the running user (permissions.ts), again after a change to them. */
  refreshFieldAccess(): void;
  /** The request runs as this user: custom fields as its profile and permission sets grant them. */
  runAs(userId: string): void;
  /** Archives Tasks (by id, or closed ones due more than `olderThanDays` ago): they answer queryAll only. */
  archiveActivities(selection: { ids?: string[]; olderThanDays?: number }): number;
  settings: {
    /** Tooling API custom fields allowed (false → 403 INSUFFICIENT_ACCESS). */
    allowMetadata: boolean;
    deserializationErrors: DeserializationMode;
    /** What the integration user's profile grants on fields created through the Tooling API (default none). */
    customFieldAccess: 'edit' | 'read' | 'none';
    /** The connected app's name on the approval page. */
    appName: string;
    /** "Manage Profiles and Permission Sets" and "Assign Permission Sets" (permissions.ts). */
    permissions: PermissionSettings;
    /** The org refuses Unique / External ID on activity (Task) custom fields. */
    refuseUniqueActivityFields: boolean;
  };
}

/** The running user of an authenticated request (set by the auth middleware). */
export function userOf(res: Response): string {
  return res.locals.userId as string;
}

/** `v62.0` → 62 (the path's API version). */
export function apiVersionOf(req: Request): string {
  return String(req.params.version ?? 'v62.0').replace(/^v/, '');
}

/** The write environment for one request: running user, clock, faults, assignment rule. */
export function writeEnvFor(ctx: SandboxContext, res: Response): WriteEnv {
  return {
    store: ctx.store,
    now: () => ctx.clock.now(),
    userId: userOf(res),
    recordFails: (id) => ctx.faults.recordFails(id),
    commitDelay: () => ctx.faults.commitDelay(),
    validate: (table, next, previous) => ctx.rules.validate(table, next, previous),
    assignment: ctx.assignment,
    deserialization: ctx.settings.deserializationErrors,
    permissions: ctx.settings.permissions,
    onAutoAssigned: () => void (ctx.stats.counters.writes.autoAssigned += 1),
  };
}
