import { html, raw, type Raw } from '../http/html';
import type { WebSession } from '../http/session';

/**
 * The console's frame: one stylesheet inline (no CDN, no scripts), a navigation every page shares,
 * and the session's CSRF token for the forms on a page. Plain markup: headings, tables, labelled
 * fields and buttons, so everything is reachable with the keyboard.
 */
const STYLE = raw(`
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:.2rem .4rem;border-radius:3px}
header a[aria-current=page]{background:#3b4660}
header a:focus,button:focus,input:focus,select:focus,a:focus{outline:3px solid #f0b429;outline-offset:1px}
header .who{margin-left:auto;font-size:.9rem}
header form{display:inline;margin:0}
main{max-width:1200px;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{font-size:1.5rem;margin:.6rem 0 1rem}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
table{border-collapse:collapse;width:100%;background:#fff;margin:.4rem 0 1rem}
th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #e2e5ea}
th{background:#eef0f4;font-weight:600;font-size:.9rem}
td small,.muted{color:#5b6475}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:6px;padding:1rem 1.2rem;margin:0 0 1rem}
.card h2{margin-top:0}
.status{display:inline-block;padding:.1rem .5rem;border-radius:10px;font-size:.85rem;font-weight:600}
.status.healthy{background:#d8f3e3;color:#11623a}.status.warn{background:#fff1c2;color:#6b4c00}.status.bad{background:#fbd9d9;color:#8a1c1c}.status.off{background:#e2e5ea;color:#3b4660}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin-top:.6rem}
.actions form{margin:0}
button,.button{font:inherit;padding:.3rem .8rem;border:1px solid #3b4660;background:#fff;color:#1d2330;border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#2456c8;border-color:#2456c8;color:#fff}
button.danger{border-color:#a52a2a;color:#a52a2a}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}
dl.facts dt{color:#5b6475}dl.facts dd{margin:0}
.error{color:#a52a2a;font-weight:600}
.notice{background:#e8f0fe;border:1px solid #b6c8f0;padding:.5rem .8rem;border-radius:4px}
.problems{border-left:4px solid #d9a300;background:#fffbeb;padding:.2rem 1rem;margin:.6rem 0;border-radius:0 4px 4px 0}
.problems h3{margin:.5rem 0 .2rem;font-size:1rem}.problems ul{padding-left:1.1rem}.problems li{margin-bottom:.6rem}.problems li p{margin:.15rem 0}
a.status{text-decoration:none}
label{display:inline-block;margin-right:.4rem}
input,select{font:inherit;padding:.25rem .4rem}
nav.pager{display:flex;gap:1rem;margin:.4rem 0}
code{font-size:.9em}
.nowrap{white-space:nowrap}
dl.facts table{width:auto;min-width:24rem;margin:0}
details{margin-top:.8rem}details p{max-width:60rem}
td.details{word-break:break-word}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.values{margin:0;background:transparent}table.values td{border:0;padding:.1rem .3rem}
#mapping select{max-width:26rem}
svg.chart{display:block;max-width:100%;height:auto;margin:.4rem 0 1rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
#cost-form p{margin:.4rem 0}#cost-form label{min-width:11rem}
`);

const NAV = [
  { href: '/console', label: 'Connections' },
  { href: '/console/sync', label: 'Sync status' },
  { href: '/console/people', label: 'People' },
  { href: '/console/reports', label: 'Reports' },
] as const;

export function csrfField(session: WebSession): Raw {
  return html`<input type="hidden" name="_csrf" value="${session.csrfToken}">`;
}

export function consolePage(title: string, session: WebSession, current: string, body: Raw): string {
  const nav = NAV.map((item) => (item.href === current ? html`<a href="${item.href}" aria-current="page">${item.label}</a>` : html`<a href="${item.href}">${item.label}</a>`));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html`${title}`.html} · Leadstage</title><style>${STYLE.html}</style></head><body>${
    html`<header><strong>Leadstage</strong><nav aria-label="Console">${nav}</nav><span class="who">${session.email} (${session.role})</span><form method="post" action="/signout">${csrfField(session)}<button type="submit">Sign out</button></form></header><main>${body}</main>`.html
  }</body></html>`;
}

/** An ISO time as "2026-12-05 04:31 UTC", or a dash. */
export function when(value: string | Date | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
