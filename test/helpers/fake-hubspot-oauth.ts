/**
 * A stand-in for HubSpot's OAuth side in front of the HubSpot sandbox, until the sandbox serves
 * OAuth itself: the v3 token, introspect and revoke endpoints, following HubSpot's documented
 * shapes, and a gate that lets through only live access tokens it issued (a revoked or unknown one
 * gets HubSpot's 401), forwarding the rest to the sandbox with the sandbox's own token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGrant {
  hubId: number;
  userId: number;
  email: string;
  hubDomain?: string;
}

export interface FakeHubSpotOAuth {
  url: string;
  /** Codes the consent page would hand out, each for a portal and user. */
  codes: Map<string, FakeGrant>;
  /** Access tokens honoured now, with the refresh token they came from. */
  live: Map<string, { refresh: string; grant: FakeGrant }>;
  refreshTokens: Map<string, FakeGrant>;
  /** How many times each grant type was used. */
  counts: { authorizationCode: number; refresh: number; introspect: number; revoke: number };
  /** Like an admin uninstalling the app: every token of the portal stops working. */
  revokePortal(hubId: number): void;
  close(): Promise<void>;
}

export async function startFakeHubSpotOAuth(options: { sandboxUrl: string; sandboxToken: string; clientId: string; clientSecret: string; appId: number; expiresIn?: number }): Promise<FakeHubSpotOAuth> {
  const codes = new Map<string, FakeGrant>();
  const live = new Map<string, { refresh: string; grant: FakeGrant }>();
  const refreshTokens = new Map<string, FakeGrant>();
  const counts = { authorizationCode: 0, refresh: 0, introspect: 0, revoke: 0 };
  let serial = 0;
  const target = new URL(options.sandboxUrl);

  const issue = (refresh: string, grant: FakeGrant) => {
    serial += 1;
    const access = `fake-access-${serial}-${grant.hubId}`;
    live.set(access, { refresh, grant });
    return { access_token: access, refresh_token: refresh, expires_in: options.expiresIn ?? 1800, token_type: 'bearer', hub_id: grant.hubId, user_id: grant.userId };
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'POST' && path.startsWith('/oauth/v3/token')) {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
          return json(res, 400, { status: 'BAD_CLIENT_ID', message: 'client id or secret mismatch', category: 'VALIDATION_ERROR' });
        }
        if (path === '/oauth/v3/token') {
          if (form.get('grant_type') === 'authorization_code') {
            const grant = codes.get(form.get('code') ?? '');
            if (!grant) return json(res, 400, { status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code', category: 'VALIDATION_ERROR' });
            codes.delete(form.get('code')!);
            counts.authorizationCode += 1;
            serial += 1;
            const refresh = `fake-refresh-${serial}-${grant.hubId}`;
            refreshTokens.set(refresh, grant);
            return json(res, 200, issue(refresh, grant));
          }
          if (form.get('grant_type') === 'refresh_token') {
            const refresh = form.get('refresh_token') ?? '';
            const grant = refreshTokens.get(refresh);
            if (!grant) return json(res, 400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', category: 'VALIDATION_ERROR' });
            counts.refresh += 1;
            return json(res, 200, issue(refresh, grant));
          }
          return json(res, 400, { status: 'error', message: 'unsupported grant_type', category: 'VALIDATION_ERROR' });
        }
        if (path === '/oauth/v3/token/introspect') {
          counts.introspect += 1;
          const token = live.get(form.get('token') ?? '');
          if (!token) return json(res, 200, { active: false });
          const { grant } = token;
          return json(res, 200, { active: true, token_type: 'access', hub_id: grant.hubId, user_id: grant.userId, user: grant.email, app_id: options.appId, hub_domain: grant.hubDomain ?? `portal-${grant.hubId}.example.com`, expires_in: 1700 });
        }
        if (path === '/oauth/v3/token/revoke') {
          counts.revoke += 1;
          const refresh = form.get('token') ?? '';
          refreshTokens.delete(refresh);
          for (const [access, entry] of live) if (entry.refresh === refresh) live.delete(access);
          res.writeHead(204).end();
          return;
        }
        json(res, 404, { status: 'error', message: 'no such OAuth endpoint' });
      });
      return;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !live.has(bearer)) {
      json(res, 401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
      req.resume();
      return;
    }
    const upstream = http.request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host, authorization: `Bearer ${options.sandboxToken}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => json(res, 502, { status: 'error', message: error.message }));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    codes,
    live,
    refreshTokens,
    counts,
    revokePortal(hubId) {
      for (const [refresh, grant] of refreshTokens) if (grant.hubId === hubId) refreshTokens.delete(refresh);
      for (const [access, entry] of live) if (entry.grant.hubId === hubId) live.delete(access);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
