/**
 * SOQL string literals: backslash escapes and LIKE patterns. The escapes are Salesforce's list; `\%` and
 * `\_` exist so a LIKE pattern can match a literal percent sign or underscore, which is why LIKE works
 * from the raw text (escapes kept) rather than the decoded value.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '%': '%', _: '_',
};

export type DecodedString = { ok: true; value: string } | { ok: false; badSequence: string; offset: number };

/** The value of the text between the quotes, or the first escape Salesforce would reject. */
export function decodeSoqlString(raw: string): DecodedString {
  if (!raw.includes('\\')) return { ok: true, value: raw };
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = raw[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i++;
    } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      return { ok: false, badSequence: `\\${next}`, offset: i };
    }
  }
  return { ok: true, value };
}

/**
 * A LIKE pattern as an anchored, case-insensitive regular expression: `%` is any run of characters,
 * `_` exactly one, and their escaped forms match themselves. The raw text was validated by the lexer.
 */
export function likePatternToRegExp(raw: string): RegExp {
  let source = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else if (char === '\\') {
      const escaped = raw.slice(i, i + 2) === '\\u' ? raw.slice(i, i + 6) : raw.slice(i, i + 2);
      const decoded = decodeSoqlString(escaped);
      source += escapeRegExp(decoded.ok ? decoded.value : escaped);
      i += escaped.length - 1;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'is');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
