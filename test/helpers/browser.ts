/**
 * A tiny browser for the web tests: keeps cookies by name (no domain or path rules beyond what the
 * server sets for one host), never follows redirects, and reads the console's CSRF token.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit & { form?: Record<string, string>; json?: unknown; csrf?: string; accept?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    headers.set('accept', init.accept ?? 'application/json');
    if (init.csrf) headers.set('x-csrf-token', init.csrf);
    let body = init.body;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(new URL(path, this.base), { ...init, headers, body: body ?? null, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, accept = 'application/json'): Promise<Response> {
    return this.request(path, { method: 'GET', accept });
  }

  /** The CSRF token the console page embeds in its forms. */
  async csrfToken(): Promise<string> {
    const page = await (await this.get('/console', 'text/html')).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(page);
    if (!match) throw new Error(`no CSRF token on the console page: ${page.slice(0, 300)}`);
    return match[1]!;
  }
}
