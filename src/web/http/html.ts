/**
 * The few HTML pages the server renders itself (sign-in, errors, the placeholder console): plain
 * markup, every value escaped, no scripts (helmet's CSP allows none inline anyway).
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tagged template whose interpolations are escaped unless wrapped with `raw`. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const part = Array.isArray(value) ? value.map((v) => (v instanceof Raw ? v.html : escapeHtml(v))).join('') : value instanceof Raw ? value.html : escapeHtml(value);
    out += part + strings[i + 1]!;
  });
  return new Raw(out);
}

export function page(title: string, body: Raw): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Leadstage</title></head><body><main>${body.html}</main></body></html>`;
}

/** A page that says what went wrong and where to go next. */
export function messagePage(title: string, message: string, next: { href: string; label: string } = { href: '/signin', label: 'Back to sign-in' }): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p><p><a href="${next.href}">${next.label}</a></p>`);
}
