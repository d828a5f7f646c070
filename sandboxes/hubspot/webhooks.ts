/**
 * HubSpot's webhooks for the public app (reference §1.9): when the portal's contacts change, HubSpot
 * POSTs JSON arrays of events to the app's target URL. What is HubSpot's here:
 * - one event per matching active subscription: `contact.creation` / `contact.deletion` (with
 *   `changeFlag` CREATED / DELETED), `contact.propertyChange` for its `propertyName` (`propertyValue` is
 *   the new value as a string), `contact.merge` (`primaryObjectId`, `mergedObjectIds`, `newObjectId`,
 *   `numberOfPropertiesMoved`), `contact.privacyDeletion`; every event carries `eventId, subscriptionId,
 *   portalId, appId, occurredAt, subscriptionType, attemptNumber, objectId, changeSource, sourceId`;
 * - at most 100 events per request, at most `maxConcurrentRequests` (10) requests in flight;
 * - signed: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(clientSecret, "POST" + targetUrl + body +
 *   timestamp)) with `X-HubSpot-Request-Timestamp` (ms), plus the v1 signature (`X-HubSpot-Signature` =
 *   hex SHA-256 of clientSecret + body, `X-HubSpot-Signature-Version: v1`) HubSpot still sends;
 * - a non-2xx answer, a connection failure or no answer within 5 s is retried, up to 10 times, with
 *   growing delays; `attemptNumber` counts from 0;
 * - events only flow while the app is installed in the portal.
 * Retries wait on real timers (`retryBaseDelayMs` × 2^(n−1), ±10 %) or on the sandbox clock.
 */
import { createHash, createHmac } from 'node:crypto';
import type { SandboxClock } from '../kit/clock';
import type { Prng } from '../kit/prng';
import { PORTAL_ID } from './seed-catalog';

export const SUBSCRIPTION_TYPES = [
  'contact.creation', 'contact.deletion', 'contact.propertyChange', 'contact.merge', 'contact.privacyDeletion',
] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];

export interface WebhookSubscriptionInput {
  subscriptionType: SubscriptionType;
  /** Required for `contact.propertyChange`: the one property this subscription is about. */
  propertyName?: string;
  active?: boolean;
}

export interface WebhookSettings {
  /** Where events are POSTed (HubSpot requires HTTPS; the sandbox takes any http(s) URL). */
  targetUrl: string;
  subscriptions: WebhookSubscriptionInput[];
  /** HubSpot's `throttling.maxConcurrentRequests` (default 10). */
  maxConcurrentRequests: number;
  /** Events per request (HubSpot: up to 100). */
  maxEventsPerRequest: number;
  /** A request without an answer after this long counts as failed (HubSpot: 5 s). */
  timeoutMs: number;
  /** Retries after the first attempt (HubSpot: up to 10). */
  maxRetries: number;
  /** Delay before retry n is base × 2^(n−1) ±10 % (default 60 s; tests use a few ms). */
  retryBaseDelayMs: number;
  /** `'real'` (default): retries wait on timers; `'sandbox'`: they are due when the sandbox clock reaches them. */
  retryClock: 'real' | 'sandbox';
}

export const DEFAULT_WEBHOOK_SETTINGS: Omit<WebhookSettings, 'targetUrl' | 'subscriptions'> = {
  maxConcurrentRequests: 10,
  maxEventsPerRequest: 100,
  timeoutMs: 5_000,
  maxRetries: 10,
  retryBaseDelayMs: 60_000,
  retryClock: 'real',
};

/** One event as HubSpot sends it. */
export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: SubscriptionType;
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeFlag?: 'CREATED' | 'DELETED';
  changeSource: string;
  sourceId?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

/** What happened in the portal, before it is fanned out to subscriptions. */
export type PortalChange =
  | { type: 'contact.creation'; objectId: string }
  | { type: 'contact.deletion'; objectId: string }
  | { type: 'contact.privacyDeletion'; objectId: string }
  | { type: 'contact.propertyChange'; objectId: string; properties: Record<string, string> }
  | { type: 'contact.merge'; primaryObjectId: string; mergedObjectIds: string[]; numberOfPropertiesMoved: number };

/** Who made a change: `CRM_UI` with `userId:<id>`, or `INTEGRATION` with the app's id. */
export interface ChangeSource {
  changeSource: string;
  sourceId?: string;
}

export interface DeliveryRecord {
  /** Wall-clock ms the request was sent. */
  sentAt: number;
  eventIds: number[];
  attemptNumbers: number[];
  /** The receiver's status, or `timeout` / `connection`. */
  outcome: number | 'timeout' | 'connection';
  durationMs: number;
}

export interface WebhookStats {
  configured: boolean;
  eventsQueued: number;
  requestsSent: number;
  eventsSent: number;
  eventsAcknowledged: number;
  eventsRetried: number;
  eventsFailed: number;
  eventsDropped: number;
  requestsFailed: number;
  byOutcome: Record<string, number>;
  pending: number;
  inFlight: number;
  /** From the change (wall clock) to the receiver's 2xx, per acknowledged event. */
  latencyMs: { count: number; mean: number; p50: number; p95: number; max: number };
}

interface Pending {
  event: WebhookEvent;
  /** Wall-clock ms the change happened (for latency). */
  createdAt: number;
  /** Due time for a retry: wall ms (`real`) or sandbox ms (`sandbox`); 0 = now. */
  dueAt: number;
}

export interface WebhookDeps {
  clock: SandboxClock;
  prng: Prng;
  app: () => { appId: number; clientSecret: string; installed: boolean };
  /** Wall clock for the signature timestamp and latencies (default Date.now). */
  wallClock?: () => number;
}

function problem(condition: boolean, message: string, problems: string[]): void {
  if (condition) problems.push(message);
}

/** The problems with a settings update (HTTP body or code), empty when fine. */
export function checkWebhookSettings(input: unknown, partial: boolean): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['body must be a JSON object'];
  const s = input as Record<string, unknown>;
  const problems: string[] = [];
  const known = ['targetUrl', 'subscriptions', ...Object.keys(DEFAULT_WEBHOOK_SETTINGS)];
  for (const key of Object.keys(s)) problem(!known.includes(key), `unknown setting "${key}"; known: ${known.join(', ')}`, problems);
  if (!partial || s.targetUrl !== undefined) {
    problem(typeof s.targetUrl !== 'string' || !/^https?:\/\/\S+$/.test(s.targetUrl), 'targetUrl must be an http(s) URL', problems);
  }
  if (!partial || s.subscriptions !== undefined) {
    if (!Array.isArray(s.subscriptions)) problems.push('subscriptions must be an array of {subscriptionType, propertyName?, active?}');
    else {
      s.subscriptions.forEach((sub: unknown, i) => {
        const { subscriptionType, propertyName, active } = (sub ?? {}) as Record<string, unknown>;
        problem(!SUBSCRIPTION_TYPES.includes(subscriptionType as SubscriptionType),
          `subscriptions[${i}].subscriptionType must be one of ${SUBSCRIPTION_TYPES.join(', ')}`, problems);
        problem(subscriptionType === 'contact.propertyChange' && (typeof propertyName !== 'string' || propertyName === ''),
          `subscriptions[${i}]: contact.propertyChange needs a propertyName`, problems);
        problem(subscriptionType !== 'contact.propertyChange' && propertyName !== undefined,
          `subscriptions[${i}]: only contact.propertyChange takes a propertyName`, problems);
        problem(active !== undefined && typeof active !== 'boolean', `subscriptions[${i}].active must be a boolean`, problems);
      });
    }
  }
  const ranges: Record<string, [number, number]> = {
    maxConcurrentRequests: [1, 100], maxEventsPerRequest: [1, 100], timeoutMs: [1, 600_000], maxRetries: [0, 10],
    retryBaseDelayMs: [0, 86_400_000],
  };
  for (const [key, [min, max]] of Object.entries(ranges)) {
    const v = s[key];
    problem(v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max), `${key} must be an integer in [${min}, ${max}]`, problems);
  }
  problem(s.retryClock !== undefined && s.retryClock !== 'real' && s.retryClock !== 'sandbox', "retryClock must be 'real' or 'sandbox'", problems);
  return problems;
}

interface Subscription extends WebhookSubscriptionInput {
  id: number;
  active: boolean;
}

export class WebhookDispatcher {
  private settingsValue: (WebhookSettings & { subscriptions: Subscription[] }) | undefined;
  private queue: Pending[] = [];
  private inFlight = 0;
  private nextEventId: number;
  private nextSubscriptionId = 2_400_001;
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly controllers = new Set<AbortController>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private latencies: number[] = [];
  private log: DeliveryRecord[] = [];
  private counters = this.noCounters();
  private readonly wall: () => number;

  constructor(private readonly deps: WebhookDeps) {
    this.nextEventId = 1_000_000 + deps.prng.int(0, 899_999) * 1000;
    this.wall = deps.wallClock ?? Date.now;
  }

  private noCounters() {
    return {
      eventsQueued: 0, requestsSent: 0, eventsSent: 0, eventsAcknowledged: 0, eventsRetried: 0, eventsFailed: 0,
      eventsDropped: 0, requestsFailed: 0, byOutcome: {} as Record<string, number>,
    };
  }

  /** The current settings with the subscription ids HubSpot assigned, or undefined when unset. */
  get settings(): (WebhookSettings & { subscriptions: Subscription[] }) | undefined {
    return this.settingsValue && structuredClone(this.settingsValue);
  }

  /** Sets (or, with `partial`, changes) the settings; throws on invalid ones. */
  configure(input: Partial<WebhookSettings>, partial = false): WebhookSettings {
    const problems = checkWebhookSettings(input, partial && this.settingsValue !== undefined);
    if (problems.length > 0) throw new Error(`invalid webhook settings: ${problems.join('; ')}`);
    const base = partial && this.settingsValue ? this.settingsValue : { ...DEFAULT_WEBHOOK_SETTINGS, targetUrl: '', subscriptions: [] };
    const subscriptions = input.subscriptions
      ? input.subscriptions.map((s) => ({ ...s, active: s.active ?? true, id: this.nextSubscriptionId++ }))
      : base.subscriptions;
    this.settingsValue = { ...base, ...input, subscriptions } as WebhookSettings & { subscriptions: Subscription[] };
    return this.settings!;
  }

  /** Removes the settings: nothing is sent any more and queued events are dropped. */
  clear(): void {
    this.settingsValue = undefined;
    this.dropAll();
  }

  /** The app was uninstalled: queued events and retries for the portal are dropped. */
  dropAll(): void {
    this.counters.eventsDropped += this.queue.length;
    this.queue = [];
    this.checkIdle();
  }

  /** Fans a change out to the matching active subscriptions and queues the events. */
  emit(change: PortalChange, source: ChangeSource): number {
    const settings = this.settingsValue;
    const app = this.deps.app();
    if (!settings || !app.installed || this.closed) return 0;
    const occurredAt = this.deps.clock.now();
    const createdAt = this.wall();
    const base = (sub: Subscription, objectId: string) => ({
      eventId: this.nextEventId++, subscriptionId: sub.id, portalId: PORTAL_ID, appId: app.appId, occurredAt,
      subscriptionType: sub.subscriptionType, attemptNumber: 0, objectId: Number(objectId),
    });
    const events: WebhookEvent[] = [];
    for (const sub of settings.subscriptions) {
      if (!sub.active || sub.subscriptionType !== change.type) continue;
      switch (change.type) {
        case 'contact.creation':
          events.push({ ...base(sub, change.objectId), changeFlag: 'CREATED', ...source });
          break;
        case 'contact.deletion':
          events.push({ ...base(sub, change.objectId), changeFlag: 'DELETED', ...source });
          break;
        case 'contact.privacyDeletion':
          events.push({ ...base(sub, change.objectId), ...source });
          break;
        case 'contact.propertyChange': {
          const value = change.properties[sub.propertyName!];
          if (value === undefined) break;
          events.push({ ...base(sub, change.objectId), propertyName: sub.propertyName!, propertyValue: value, ...source });
          break;
        }
        case 'contact.merge':
          events.push({
            ...base(sub, change.primaryObjectId), changeSource: source.changeSource, ...(source.sourceId ? { sourceId: source.sourceId } : {}),
            primaryObjectId: Number(change.primaryObjectId), mergedObjectIds: change.mergedObjectIds.map(Number),
            newObjectId: Number(change.primaryObjectId), numberOfPropertiesMoved: change.numberOfPropertiesMoved,
          });
          break;
      }
    }
    for (const event of events) this.queue.push({ event, createdAt, dueAt: 0 });
    this.counters.eventsQueued += events.length;
    if (events.length > 0) this.schedule();
    return events.length;
  }

  private schedule(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.pump();
    });
  }

  private now(settings: WebhookSettings): number {
    return settings.retryClock === 'sandbox' ? this.deps.clock.now() : this.wall();
  }

  /** Sends due events in batches while there is room; arms a timer for the next retry. */
  private pump(): void {
    const settings = this.settingsValue;
    if (!settings || this.closed) {
      this.checkIdle();
      return;
    }
    const now = this.now(settings);
    while (this.inFlight < settings.maxConcurrentRequests) {
      const due: Pending[] = [];
      const rest: Pending[] = [];
      for (const p of this.queue) (p.dueAt <= now && due.length < settings.maxEventsPerRequest ? due : rest).push(p);
      if (due.length === 0) break;
      this.queue = rest;
      void this.send(settings, due);
    }
    this.armTimer(settings);
    this.checkIdle();
  }

  private armTimer(settings: WebhookSettings): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let firstDue = Infinity;
    for (const p of this.queue) if (p.dueAt > 0 && p.dueAt < firstDue) firstDue = p.dueAt;
    if (firstDue === Infinity || this.closed) return;
    // sandbox-clock retries: poll the clock (a test moves it); real ones: sleep until the first is due
    const wait = settings.retryClock === 'sandbox' ? 20 : Math.max(0, firstDue - this.wall());
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private async send(settings: WebhookSettings, batch: Pending[]): Promise<void> {
    this.inFlight += 1;
    const { clientSecret } = this.deps.app();
    const body = JSON.stringify(batch.map((p) => p.event));
    const timestamp = String(this.wall());
    const uri = settings.targetUrl;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon-executor',
      'x-hubspot-signature': createHash('sha256').update(clientSecret + body, 'utf8').digest('hex'),
      'x-hubspot-signature-version': 'v1',
      'x-hubspot-signature-v3': createHmac('sha256', clientSecret).update(`POST${uri}${body}${timestamp}`, 'utf8').digest('base64'),
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-timeout-millis': String(settings.timeoutMs),
    };
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(new Error('timeout')), settings.timeoutMs);
    const started = this.wall();
    let outcome: DeliveryRecord['outcome'];
    try {
      const response = await fetch(uri, { method: 'POST', headers, body, signal: controller.signal, redirect: 'manual' });
      await response.arrayBuffer().catch(() => undefined);
      outcome = response.status;
    } catch {
      outcome = controller.signal.aborted ? 'timeout' : 'connection';
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    this.inFlight -= 1;
    if (this.closed) return;
    const acknowledged = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    this.counters.requestsSent += 1;
    this.counters.eventsSent += batch.length;
    this.counters.byOutcome[String(outcome)] = (this.counters.byOutcome[String(outcome)] ?? 0) + 1;
    this.log.push({
      sentAt: started, eventIds: batch.map((p) => p.event.eventId), attemptNumbers: batch.map((p) => p.event.attemptNumber),
      outcome, durationMs: this.wall() - started,
    });
    if (this.log.length > 2000) this.log.splice(0, this.log.length - 2000);
    if (acknowledged) {
      this.counters.eventsAcknowledged += batch.length;
      const now = this.wall();
      for (const p of batch) this.latencies.push(now - p.createdAt);
    } else {
      this.counters.requestsFailed += 1;
      const current = this.settingsValue;
      for (const p of batch) {
        const attempt = p.event.attemptNumber + 1;
        if (!current || attempt > current.maxRetries || !this.deps.app().installed) {
          this.counters.eventsFailed += 1;
          continue;
        }
        this.counters.eventsRetried += 1;
        const jitter = 0.9 + this.deps.prng.float() * 0.2;
        const delay = Math.round(current.retryBaseDelayMs * 2 ** (attempt - 1) * jitter);
        this.queue.push({ event: { ...p.event, attemptNumber: attempt }, createdAt: p.createdAt, dueAt: this.now(current) + delay });
      }
    }
    this.pump();
  }

  private get busy(): boolean {
    return this.queue.length > 0 || this.inFlight > 0 || this.flushScheduled;
  }

  private checkIdle(): void {
    if (this.busy) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry; rejects after `timeoutMs`. */
  idle(timeoutMs = 30_000): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`webhooks not idle after ${timeoutMs} ms: ${this.queue.length} queued, ${this.inFlight} in flight`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** The requests sent so far (the last 2,000), oldest first. */
  deliveries(): DeliveryRecord[] {
    return this.log.map((d) => ({ ...d, eventIds: [...d.eventIds], attemptNumbers: [...d.attemptNumbers] }));
  }

  stats(): WebhookStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return {
      configured: this.settingsValue !== undefined,
      ...structuredClone(this.counters),
      pending: this.queue.length,
      inFlight: this.inFlight,
      latencyMs: {
        count: sorted.length,
        mean: sorted.length === 0 ? 0 : Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
        p50: at(0.5),
        p95: at(0.95),
        max: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
      },
    };
  }

  resetStats(): void {
    this.counters = this.noCounters();
    this.latencies = [];
    this.log = [];
  }

  /** Stops sending: timers cleared, requests in flight aborted, waiters released. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const controller of this.controllers) controller.abort(new Error('sandbox closed'));
    this.queue = [];
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
