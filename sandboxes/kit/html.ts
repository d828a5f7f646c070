/**
 * Plain HTML pages the sandboxes show a browser (consent and error pages of their OAuth servers):
 * escaped text, one readable layout, no scripts or outside assets.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Hidden form fields for the parameters a consent form posts back (undefined ones left out). */
export function hiddenFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
}

/** A whole page: `title` (escaped) and `body` (HTML the caller built from escaped parts). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 38rem; margin: 3rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
    h1 { font-size: 1.4rem; }
    .box { border: 1px solid #ccc; border-radius: 6px; padding: 1rem 1.25rem; margin: 1rem 0; }
    .error { border-color: #c33; background: #fff4f4; }
    button { font-size: 1rem; padding: .5rem 1.25rem; margin-right: 1rem; cursor: pointer; }
    code { background: #f3f3f3; padding: 0 .25rem; }
    .note { color: #666; font-size: .9rem; }
  </style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A page that only says what went wrong (an OAuth request refused before any redirect). */
export function errorPage(title: string, message: string, note: string): string {
  return page(title, `  <h1>${escapeHtml(title)}</h1>
  <div class="box error"><p>${escapeHtml(message)}</p></div>
  <p class="note">${escapeHtml(note)}</p>`);
}
