import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Redis } from 'ioredis';
import type { ConnectorRegistry } from '../../connector/connector-registry';
import type { CrmObjectType } from '../../connector/crm-connector';
import type { RecordChange, WebhookSetup } from '../../connector/webhooks';
import type { Logger } from '../../log/logger';
import type { Metrics } from '../../metrics/metrics';
import { registerSecret } from '../../log/redact';
import type { Enqueuer } from '../../queue/enqueuer';
import type { PendingChange, RecordChangeBuffer } from '../../queue/record-changes';
import type { Store } from '../../store';

export interface WebhookRouteDeps {
  store: Pick<Store, 'installations'>;
  /** The per-IP request counter lives here. */
  redis: Redis;
  /** Key prefix on that Redis (the runtime's). */
  prefix: string;
  connectors: ConnectorRegistry;
  /** The variables the connectors' webhook setups read (their apps' signing secrets and ids). */
  environment: Readonly<Record<string, string | undefined>>;
  /** PUBLIC_URL: what the CRM called, and signed. Without it no delivery can be verified (503). */
  publicUrl: string | undefined;
  changes: RecordChangeBuffer;
  enqueue: Pick<Enqueuer, 'records'>;
  logger: Logger;
  /** Counts deliveries by answer and changes by outcome (optional). */
  metrics?: Pick<Metrics, 'webhookRequests' | 'webhookChanges'>;
  /** Wall-clock time (ms): a delivery's signed timestamp is checked against it. */
  now?: () => number;
  /** Requests per IP and window before a 429 (default 1,000 per 10 s). */
  rateLimit?: { max: number; windowMs: number };
  /** Largest body accepted (default 1 MiB; a delivery of 100 events is a few tens of kB). */
  bodyLimitBytes?: number;
}

/** What a delivery amounted to: every change is accounted for in exactly one count. */
export interface WebhookReceipt {
  received: number;
  /** Queued to be pulled (or retired). */
  accepted: number;
  /** Seen before (the CRM retried a delivery we had taken). */
  duplicates: number;
  /** Our own write-back echoing back: nothing new. */
  echoes: number;
  /** Objects that are not people (companies, deals): not pulled. */
  ignored: number;
  /** For an account without an active installation (uninstalled, paused, or never ours): dropped. */
  unknownAccount: number;
}

const PERSON_OBJECT_TYPES: ReadonlySet<string> = new Set<CrmObjectType>(['contact', 'lead']);
const isPersonObject = (objectType: string): objectType is CrmObjectType => PERSON_OBJECT_TYPES.has(objectType);

function fail(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...extra } });
}

/**
 * `POST /webhooks/:provider`: a CRM pushing record changes. It answers within milliseconds, as a CRM
 * expects (one retries after a few seconds without a 2xx): the raw body is verified with the
 * provider's signature scheme and parsed, each change is mapped to its installation by account id,
 * our own echoes are dropped, and the rest wait, de-duplicated, in the record-change buffer for a
 * `records` job that pulls them by id. Nothing else is done in the request.
 *
 * 401: unsigned, forged, altered or stale (nothing queued). 400: a signed body that does not parse,
 * each problem named. 404: a provider without webhooks. 413: too large. 429: too many requests from
 * one address. 503: webhooks not configured (names the missing variables). 200: the receipt, also
 * for changes dropped on purpose (unknown account, echoes), which a retry would not change.
 */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const now = deps.now ?? Date.now;
  const { max, windowMs } = deps.rateLimit ?? { max: 1_000, windowMs: 10_000 };
  const publicUrl = deps.publicUrl?.replace(/\/+$/, '');
  const setups = new Map<string, WebhookSetup>();
  for (const module of deps.connectors.modules) {
    if (!module.webhooks) continue;
    const setup = module.webhooks.fromEnvironment(deps.environment);
    if (setup.configured) setup.secrets.forEach(registerSecret);
    setups.set(module.provider, setup);
  }

  const router = express.Router();
  // every answer of the webhook route, by provider and status
  router.use('/webhooks/:provider', (req: Request<{ provider: string }>, res: Response, next: NextFunction) => {
    res.once('finish', () => deps.metrics?.webhookRequests.inc({ provider: setups.has(req.params.provider) ? req.params.provider : 'unknown', status: String(res.statusCode) }));
    next();
  });

  async function limitRate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const window = Math.floor(now() / windowMs);
    const key = `${deps.prefix}:webhooks:rate:${req.ip ?? 'unknown'}:${window}`;
    const [[, count]] = (await deps.redis.multi().incr(key).pexpire(key, windowMs * 2).exec()) as [[Error | null, number]];
    if (count <= max) return next();
    res.set('Retry-After', String(Math.ceil(((window + 1) * windowMs - now()) / 1000)));
    fail(res, 429, 'rate_limited', `more than ${max} requests in ${windowMs / 1000} s from this address`);
  }

  router.post(
    '/webhooks/:provider',
    limitRate,
    // the exact bytes, whatever the content type says: the signature covers them
    express.raw({ type: () => true, limit: deps.bodyLimitBytes ?? 1_048_576 }),
    async (req: Request<{ provider: string }>, res: Response) => {
      const provider = req.params.provider;
      const setup = setups.get(provider);
      if (!setup) return fail(res, 404, 'not_found', `no webhooks for provider "${provider}"`);
      const problems = [...(publicUrl ? [] : ['PUBLIC_URL: required to verify webhook signatures (the URL the CRM calls)']), ...(setup.configured ? [] : setup.problems)];
      if (!setup.configured || !publicUrl) {
        deps.logger.error('webhook refused: webhooks are not configured', { provider, problems });
        return fail(res, 503, 'webhooks_not_configured', 'webhooks are not configured on this server', { problems });
      }
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = setup.webhooks.verify({ method: req.method, url: publicUrl + req.originalUrl, headers: req.headers, rawBody }, now());
      if (!verdict.ok) {
        deps.logger.warn('webhook refused: signature', { provider, ip: req.ip, reason: verdict.reason });
        return fail(res, 401, 'invalid_signature', verdict.reason);
      }
      const parsed = setup.webhooks.parse(rawBody);
      if (!parsed.ok) {
        deps.logger.warn('webhook refused: body', { provider, problems: parsed.problems.slice(0, 20) });
        return fail(res, 400, 'invalid_body', 'the delivery does not fit the expected shape', { problems: parsed.problems });
      }
      const receipt = await takeChanges(provider, parsed.changes, deps);
      deps.logger.debug('webhook received', { provider, ...receipt });
      for (const outcome of ['accepted', 'duplicates', 'echoes', 'ignored', 'unknownAccount'] as const) {
        if (receipt[outcome] > 0) deps.metrics?.webhookChanges.inc({ provider, outcome }, receipt[outcome]);
      }
      res.status(200).json(receipt);
    },
  );

  // this router's own failures answer in JSON; a store or Redis failure is a 500, so the CRM retries
  router.use('/webhooks', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: unknown }).status;
    if (status === 413) return fail(res, 413, 'too_large', `body larger than ${deps.bodyLimitBytes ?? 1_048_576} bytes`);
    if (typeof status === 'number' && status >= 400 && status < 500) return fail(res, status, 'bad_request', (error as Error).message);
    deps.logger.error('webhook failed', { path: req.originalUrl, error: (error as Error).message });
    fail(res, 500, 'internal', 'the delivery could not be taken; retry it');
  });
  return router;
}

/**
 * Maps each change to its installation (by account id), drops what needs no pull, and adds the rest
 * to the record-change buffer with one atomic step per installation, then makes sure a `records`
 * job is queued while changes wait (also after a retried delivery whose first attempt added them
 * but failed before queuing the job).
 */
export async function takeChanges(provider: string, changes: readonly RecordChange[], deps: Pick<WebhookRouteDeps, 'store' | 'changes' | 'enqueue' | 'logger'>): Promise<WebhookReceipt> {
  const receipt: WebhookReceipt = { received: changes.length, accepted: 0, duplicates: 0, echoes: 0, ignored: 0, unknownAccount: 0 };
  const byAccount = new Map<string, Array<{ change: RecordChange; objectType: CrmObjectType }>>();
  for (const change of changes) {
    const { objectType } = change;
    if (change.fromOurApp) receipt.echoes += 1;
    else if (!isPersonObject(objectType)) receipt.ignored += 1;
    else byAccount.set(change.accountId, [...(byAccount.get(change.accountId) ?? []), { change, objectType }]);
  }
  for (const [accountId, list] of byAccount) {
    const installation = await deps.store.installations.findByExternalAccount(provider, accountId);
    if (!installation || installation.status !== 'active') {
      deps.logger.warn('webhook changes dropped: no active installation for the account', { provider, accountId, status: installation?.status ?? 'none', changes: list.length });
      receipt.unknownAccount += list.length;
      continue;
    }
    const events = list.map(({ change, objectType }) => ({ key: `${change.eventId}:${change.kind}:${change.recordId}`, changes: pendingChanges(change, objectType) }));
    const { accepted, pending } = await deps.changes.add(installation.id, events);
    receipt.accepted += accepted;
    receipt.duplicates += list.length - accepted;
    if (pending > 0) await deps.enqueue.records({ workspaceId: installation.workspaceId, installationId: installation.id });
  }
  return receipt;
}

function pendingChanges(change: RecordChange, objectType: CrmObjectType): PendingChange[] {
  const record = { objectType, crmId: change.recordId };
  switch (change.kind) {
    case 'created':
    case 'changed':
      return [{ kind: 'pull', ...record }];
    case 'deleted':
      return [{ kind: 'remove', ...record }];
    case 'privacy_deleted':
      // erased for privacy: the audit records it as such (docs/data-protection.md)
      return [{ kind: 'remove', ...record, privacy: true }];
    case 'merged':
      return [{ kind: 'pull', ...record }, ...(change.mergedIds ?? []).map((crmId): PendingChange => ({ kind: 'remove', objectType, crmId, mergedInto: record }))];
  }
}
