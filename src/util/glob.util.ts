/**
 * Compiles URL/name globs as admins write them (`*\/pricing*`, `*webinar*`): `*` is any run of
 * characters, `?` one character, everything else literal; matching ignores case.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/** One regex for a list of globs, so a rule with several patterns is still one test per event. */
export function globsToRegExp(globs: readonly string[]): RegExp {
  return new RegExp(globs.map((glob) => globToRegExp(glob).source).join('|'), 'i');
}
