import type { Installable } from '../app/oauth-flow';
import type { Runtime } from '../app/runtime';
import type { WebhookRouteDeps } from './routes/webhooks.route';

/** What the route groups need: the runtime (store, queues, keys), the OAuth apps and how to reach us. */
export interface WebDeps {
  runtime: Runtime;
  /** The systems installable here (their OAuth apps configured from the environment), by provider. */
  installables: ReadonlyMap<string, Installable>;
  /** The externally visible base URL: OAuth callbacks are built on it, never on a request's Host header. */
  publicUrl: string;
  /** Cookies are `Secure` (NODE_ENV=production). */
  secureCookies: boolean;
  clock: () => number;
  /** Inbound CRM webhooks (`POST /webhooks/:provider`); without it the route is not served. */
  webhooks?: WebhookRouteDeps;
  /** Per-IP limits (Redis), overridable in tests. */
  rateLimits?: Partial<Record<'signin' | 'install' | 'webhook', { max: number; windowMs: number }>>;
}
