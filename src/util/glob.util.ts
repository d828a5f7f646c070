/**
 * Compiles URL/name globs as admins write them (`*\/pricing*`, `*webinar*`): `*` is any run of
 * characters, `?` one character, everything else literal; matching ignores case.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(globSource(glob), 'i');
}

/**
 * A leading or trailing `*` becomes a missing anchor rather than `.*`: `*\/pricing*` compiles to
 * a plain search for `/pricing`, which avoids backtracking on every page view.
 */
function globSource(glob: string): string {
  const anchoredStart = !glob.startsWith('*');
  const anchoredEnd = !glob.endsWith('*') || glob.length === 0;
  const core = glob.slice(anchoredStart ? 0 : 1, anchoredEnd ? undefined : -1);
  let source = '';
  for (const char of core) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return `${anchoredStart ? '^' : ''}${source}${anchoredEnd ? '$' : ''}`;
}

/** One regex for a list of globs, so a rule with several patterns is still one test per event. */
export function globsToRegExp(globs: readonly string[]): RegExp {
  return new RegExp(globs.map((glob) => `(?:${globSource(glob)})`).join('|'), 'i');
}
