/**
 * URL/name globs as admins write them (`*\/pricing*`, `*webinar*`): `*` is any run of characters,
 * `?` one character, everything else literal; matching ignores case.
 *
 * No regular expression built here has a quantifier or a group, so none can backtrack: a search
 * costs at most the text's length times the glob's. A `*` inside a glob is not compiled to `.*`
 * (`*a*a*a*a*b*` as `a.*a.*a.*a.*b` took 18 s on a 200-character URL): the literal runs between
 * stars are found left to right, each at its first place after the one before, which is all a
 * `*` needs. A leading or trailing `*` is a missing anchor, so `*\/pricing*` is a plain search for
 * `/pricing`, the same fast RegExp as always.
 */
export interface GlobTest {
  test(text: string): boolean;
}

/**
 * How much of an event property (a URL, a form or asset name) a glob reads: the first 8,192
 * characters, the longest URL common web servers accept. It bounds each test whatever a CRM sends.
 */
export const MAX_GLOB_TEXT = 8_192;

export function globPattern(glob: string): GlobTest {
  return globsPattern([glob]);
}

/**
 * One test for a list of globs, so a rule with several patterns is still one test per event. The
 * globs with no `*` inside share one RegExp (an alternation of anchored literals); each other glob
 * is tested run by run.
 */
export function globsPattern(globs: readonly string[]): GlobTest {
  const simple = globs.filter((glob) => !hasInnerStar(glob));
  const starred = globs.filter(hasInnerStar).map(compileStarred);
  const regex = simple.length > 0 ? new RegExp(simple.map((glob) => `(?:${simpleSource(glob)})`).join('|'), 'i') : null;
  return {
    test(text) {
      const capped = text.length > MAX_GLOB_TEXT ? text.slice(0, MAX_GLOB_TEXT) : text;
      if (regex !== null && regex.test(capped)) return true;
      for (let i = 0; i < starred.length; i++) if (starred[i]!(capped)) return true;
      return false;
    },
  };
}

/** A `*` with something on both sides: `a*b`, `*\/a*b*`. */
function hasInnerStar(glob: string): boolean {
  const inner = glob.slice(1, -1);
  return inner.includes('*');
}

/** A glob with stars at its ends at most: a literal, anchored where it has no star. */
function simpleSource(glob: string): string {
  const anchoredStart = !glob.startsWith('*');
  const anchoredEnd = !glob.endsWith('*') || glob.length === 0;
  const core = glob.slice(anchoredStart ? 0 : 1, anchoredEnd ? undefined : -1);
  return `${anchoredStart ? '^' : ''}${literalSource(core)}${anchoredEnd ? '$' : ''}`;
}

/** Characters as themselves, `?` as any one character: no quantifier, no group. */
function literalSource(run: string): string {
  let source = '';
  for (const char of run) source += char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  return source;
}

/**
 * `head*middle…*tail`: the head at the start, the tail at the end, and each middle run at its
 * first place after the previous one and before the tail. Sticky (`y`) expressions test one
 * place; the global (`g`) ones search from `lastIndex`.
 */
function compileStarred(glob: string): (text: string) => boolean {
  const runs = glob.split('*');
  const head = runs[0]!;
  const tail = runs[runs.length - 1]!;
  const headAt = new RegExp(literalSource(head), 'iy');
  const tailAt = new RegExp(literalSource(tail), 'iy');
  const middle = runs
    .slice(1, -1)
    .filter((run) => run.length > 0)
    .map((run) => ({ search: new RegExp(literalSource(run), 'ig'), length: run.length }));
  const fixed = head.length + tail.length;
  return (text) => {
    if (text.length < fixed) return false;
    headAt.lastIndex = 0;
    if (!headAt.test(text)) return false;
    const tailStart = text.length - tail.length;
    tailAt.lastIndex = tailStart;
    if (!tailAt.test(text)) return false;
    let from = head.length;
    for (let i = 0; i < middle.length; i++) {
      const { search, length } = middle[i]!;
      search.lastIndex = from;
      const found = search.exec(text);
      if (found === null || found.index + length > tailStart) return false;
      from = found.index + length;
    }
    return true;
  };
}
