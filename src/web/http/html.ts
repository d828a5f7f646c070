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

/**
 * The public pages' look (sign-in, install results, errors): the console's colours, type and buttons,
 * narrower, with the name in the bar and no navigation (nobody is signed in). Inline: no CDN, no scripts.
 */
const PUBLIC_STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.6rem 1.5rem}
main{max-width:44rem;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{font-size:1.5rem;margin:.6rem 0 1rem}h2{font-size:1.15rem;margin:0 0 .6rem}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:6px;padding:1rem 1.2rem;margin:0 0 1rem}
.muted{color:#5b6475}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin-top:.6rem}
.button{font:inherit;padding:.3rem .8rem;border:1px solid #3b4660;background:#fff;color:#1d2330;border-radius:4px;text-decoration:none;display:inline-block}
.button.primary{background:#2456c8;border-color:#2456c8;color:#fff}
a:focus{outline:3px solid #f0b429;outline-offset:1px}
`;

export function page(title: string, body: Raw): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Leadstage</title><style>${PUBLIC_STYLE}</style></head><body><header><strong>Leadstage</strong></header><main>${body.html}</main></body></html>`;
}

/** A page that says what went wrong and where to go next. */
export function messagePage(title: string, message: string, next: { href: string; label: string } = { href: '/signin', label: 'Back to sign-in' }): string {
  return page(title, html`<h1>${title}</h1><section class="card"><p>${message}</p><div class="actions"><a class="button" href="${next.href}">${next.label}</a></div></section>`);
}
