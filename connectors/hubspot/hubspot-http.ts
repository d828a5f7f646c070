/**
 * The one place a HubSpot request is made: every call waits for the injected limiter first and
 * every failure becomes a HubSpotApiError. Typed SDK methods go through `sdk()`; endpoints the SDK
 * does not wrap (legacy form submissions, marketing email events) through `json()`, which uses the
 * SDK's own `apiRequest` so auth and basePath are handled the same way.
 */
import { Client } from '@hubspot/api-client';
import type { AccessTokenSource } from './auth/token-manager';
import { HubSpotApiError, toHubSpotApiError } from './hubspot-api-error';

export type RequestKind = 'standard' | 'search';
/**
 * Resolves when a request of that kind may go out, optionally with a function to call once its
 * response is in (the shared limiter then counts the slot from the response, not the grant).
 */
export type FetchLimiter = (kind: RequestKind) => Promise<Settle | void>;
export type Settle = () => Promise<void>;

export interface HubSpotHttpOptions {
  accessToken: string;
  basePath?: string | undefined;
  fetchLimiter?: FetchLimiter | undefined;
  /**
   * OAuth installations: where each request's token comes from (refreshed before it expires). A
   * private app's token never changes and needs none.
   */
  tokens?: AccessTokenSource | undefined;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  path: string;
  qs?: Record<string, string> | undefined;
  body?: unknown;
}

export class HubSpotHttp {
  readonly client: Client;
  private accessToken: string;
  private readonly limiter: FetchLimiter | undefined;
  private readonly tokens: AccessTokenSource | undefined;

  constructor(options: HubSpotHttpOptions) {
    if (options.accessToken === '') throw new Error('createHubSpotConnector: accessToken is empty');
    this.accessToken = options.accessToken;
    this.limiter = options.fetchLimiter;
    this.tokens = options.tokens;
    // No limiterOptions and no numberOfApiCallRetries: the SDK keeps both in a process-global
    // decorator singleton that leaks between clients (reference §1.2). Constructing the client
    // resets that singleton to "no decorators", and the discoveries are touched right away so
    // they bind to that empty set even if another Client is constructed later in the process.
    this.client = new Client({ accessToken: options.accessToken, ...(options.basePath ? { basePath: options.basePath } : {}) });
    this.bindDiscoveries();
  }

  private bindDiscoveries(): void {
    const { crm } = this.client;
    void [crm.contacts, crm.companies, crm.deals, crm.properties, crm.associations.v4, crm.objects.tasks,
      crm.objects.meetings, crm.objects.calls, crm.objects.emails, this.client.events];
  }

  /** Swaps the client's token (a refresh); the SDK rebuilds its discoveries, bound again at once. */
  private useToken(token: string): void {
    if (token === this.accessToken) return;
    this.accessToken = token;
    this.client.setAccessToken(token);
    this.bindDiscoveries();
  }

  /**
   * Runs one request with a current token. With OAuth, a 401 first checks whether the store holds a
   * newer token (the installation was reconnected, or another process refreshed) and retries once
   * with it; a 401 on the token the store holds is final (revoked: an admin must reconnect), unless
   * HubSpot says the token expired (EXPIRED_AUTHENTICATION): then it is refreshed and tried once more.
   */
  private async authorized<T>(run: () => Promise<T>): Promise<T> {
    if (!this.tokens) return run();
    this.useToken(await this.tokens.current());
    const used = this.accessToken;
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof HubSpotApiError) || error.status !== 401) throw error;
      const next = error.category === 'EXPIRED_AUTHENTICATION' ? await this.tokens.expired(used) : await this.tokens.replaced(used);
      if (next === null) throw error;
      this.useToken(next);
      return run();
    }
  }

  /** A typed SDK call. `endpoint` names it in errors, e.g. `POST /crm/v3/objects/contacts/search`. */
  async sdk<T>(kind: RequestKind, endpoint: string, call: (client: Client) => Promise<T>): Promise<T> {
    return this.authorized(async () => {
      const settle = await this.limiter?.(kind);
      try {
        return await call(this.client);
      } catch (error) {
        throw toHubSpotApiError(error, endpoint, this.accessToken);
      } finally {
        await settle?.();
      }
    });
  }

  /** A JSON call through `apiRequest`, which resolves whatever the status; non-2xx is thrown here. */
  async json<T>(kind: RequestKind, endpoint: string, request: JsonRequest): Promise<T> {
    return this.authorized(() => this.jsonOnce<T>(kind, endpoint, request));
  }

  private async jsonOnce<T>(kind: RequestKind, endpoint: string, request: JsonRequest): Promise<T> {
    const settle = await this.limiter?.(kind);
    let status: number;
    let headers: Record<string, string>;
    let text: string;
    try {
      const response = await this.client.apiRequest({
        method: request.method,
        path: request.path,
        ...(request.qs ? { qs: request.qs } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      status = response.status;
      headers = Object.fromEntries(response.headers.entries());
      text = await response.text();
    } catch (error) {
      throw toHubSpotApiError(error, endpoint, this.accessToken);
    } finally {
      await settle?.();
    }
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON (a proxy's HTML error page): keep the text for the error message
    }
    if (status < 200 || status >= 300) throw toHubSpotApiError({ code: status, body, headers }, endpoint, this.accessToken);
    if (typeof body !== 'object' || body === null) {
      throw toHubSpotApiError({ code: status, body: { message: 'expected a JSON object in the response' } }, endpoint, this.accessToken);
    }
    return body as T;
  }
}
