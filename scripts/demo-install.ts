/**
 * How the demo installs Leadstage: as a person would, through the product's own install flow over
 * loopback HTTP. `GET /install/<system>` on our web server sends the browser to the system's
 * authorize URL; the consent page it shows is submitted as a person would submit it (its hidden
 * fields, the user picked in its list, the approve button); the system redirects to our
 * `/oauth/<system>/callback`, which exchanges the code and connects the account. A cookie jar keeps
 * our server's cookies between the steps (the state binding, then the admin's session), so the
 * second system joins the first one's workspace, as when an admin clicks "Connect" in the console.
 */

/** What a consent page's form posts, read from the page's HTML. */
export interface ConsentForm {
  action: URL;
  /** The hidden fields (the authorize request echoed back) and each list's selected (or first) option. */
  fields: Record<string, string>;
  /** Each list's options, by field name: what a person could pick. */
  choices: Record<string, string[]>;
  /** Submit buttons that carry a value (name → values), e.g. approve 1 (Allow) and 0 (Deny). */
  buttons: Record<string, string[]>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!);
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeHtml(match[1]!) : undefined;
}

/** Reads the one POST form of a consent page; throws naming the page when it has none. */
export function readConsentForm(html: string, pageUrl: URL): ConsentForm {
  const form = /<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`the consent page ${pageUrl.origin}${pageUrl.pathname} has no form to approve (it says: ${html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300)})`);
  const action = new URL(attribute(form[0].slice(0, form[0].indexOf('>') + 1), 'action') ?? pageUrl.pathname, pageUrl);
  const body = form[1]!;
  const fields: Record<string, string> = {};
  const choices: Record<string, string[]> = {};
  const buttons: Record<string, string[]> = {};
  for (const [input] of body.matchAll(/<input\b[^>]*>/gi)) {
    const name = attribute(input, 'name');
    if (name !== undefined && attribute(input, 'type') === 'hidden') fields[name] = attribute(input, 'value') ?? '';
  }
  for (const [, open, options] of body.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select>/gi)) {
    const name = attribute(open!, 'name');
    if (name === undefined) continue;
    const listed = [...options!.matchAll(/<option\b[^>]*>/gi)].map(([tag]) => ({ value: attribute(tag, 'value') ?? '', selected: /\sselected\b/.test(tag) }));
    choices[name] = listed.map((o) => o.value);
    const chosen = listed.find((o) => o.selected) ?? listed[0];
    if (chosen) fields[name] = chosen.value;
  }
  for (const [button] of body.matchAll(/<button\b[^>]*>/gi)) {
    const name = attribute(button, 'name');
    const value = attribute(button, 'value');
    if (name !== undefined && value !== undefined) (buttons[name] ??= []).push(value);
  }
  return { action, fields, choices, buttons };
}

/** A browser on loopback: keeps our server's cookies, follows no redirect by itself. */
export class LoopbackBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly web: string) {}

  /** A request; cookies only go to, and come from, our own web server (the CRM's are not needed). */
  async fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const ours = url.origin === new URL(this.web).origin;
    const headers = new Headers(init.headers);
    headers.set('accept', 'text/html');
    if (ours && this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (ours) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim();
        const value = pair.slice(at + 1).trim();
        if (value === '' || attributes.some((a) => /^\s*(expires=Thu, 01 Jan 1970|max-age=0\b)/i.test(a))) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
    return response;
  }
}

/** The redirect a response answers with, or an error naming the step, the status and what the page says. */
async function redirectOf(response: Response, step: string, expected: number[]): Promise<URL> {
  const location = response.headers.get('location');
  if (!expected.includes(response.status) || !location) {
    const text = (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(`${step}: expected a redirect (${expected.join(' or ')}), got ${response.status}${text ? `: ${text}` : ''}`);
  }
  return new URL(location, response.url);
}

export interface ConsentApproval {
  /** Field values a person picks on the page (e.g. which user installs); each must be one of the list's options. */
  pick?: Record<string, string>;
  /** The button pressed, when the page's buttons carry values (e.g. `{approve: '1'}` for Allow). */
  press?: Record<string, string>;
}

export interface InstalledThroughConsent {
  /** The consent page's address (on the CRM's sandbox). */
  consentPage: URL;
}

/**
 * Installs `provider` through our `/install/<provider>` link and the CRM's consent page, approved
 * as `approval` says; resolves when our callback has connected the account (and sent the browser on
 * to the console). The first install signs the browser in; the next joins that workspace.
 */
export async function installThroughConsent(browser: LoopbackBrowser, provider: string, approval: ConsentApproval = {}): Promise<InstalledThroughConsent> {
  const authorize = await redirectOf(await browser.fetch(new URL(`/install/${provider}`, browser.web)), `GET /install/${provider}`, [303]);
  const consent = await browser.fetch(authorize);
  if (consent.status !== 200) {
    const text = (await consent.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(`${provider}'s consent page ${authorize.origin}${authorize.pathname} answered ${consent.status}: ${text}`);
  }
  const form = readConsentForm(await consent.text(), authorize);
  const chosen: Record<string, string> = {};
  for (const [name, value] of Object.entries(approval.pick ?? {})) {
    const options = form.choices[name];
    if (!options) throw new Error(`${provider}'s consent page has no list named "${name}" to pick from`);
    if (!options.includes(value)) throw new Error(`${provider}'s consent page offers no "${value}" in "${name}" (it offers ${options.join(', ')})`);
    chosen[name] = value;
  }
  for (const [name, value] of Object.entries(approval.press ?? {})) {
    if (!form.buttons[name]?.includes(value)) throw new Error(`${provider}'s consent page has no button ${name}=${value}`);
    chosen[name] = value;
  }
  const fields = { ...form.fields, ...chosen };
  const approved = await browser.fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const callback = await redirectOf(approved, `approving on ${provider}'s consent page`, [302, 303]);
  if (callback.origin !== new URL(browser.web).origin) throw new Error(`${provider} sent the approval to ${callback.origin}, not to this Leadstage server (${browser.web})`);
  const error = callback.searchParams.get('error');
  if (error) throw new Error(`${provider} did not authorize Leadstage: ${error} ${callback.searchParams.get('error_description') ?? ''}`.trim());
  const done = await redirectOf(await browser.fetch(callback), `GET ${callback.pathname}`, [303]);
  if (done.pathname !== '/console') throw new Error(`${callback.pathname} sent the browser to ${done.pathname}, not to the console`);
  return { consentPage: authorize };
}
