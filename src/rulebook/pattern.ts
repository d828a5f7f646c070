import { RE2JS, RE2JSSyntaxException } from 're2js';

/**
 * The rulebook's regular expressions (`matches`, `matches_list`) and globs run on RE2 (the re2js
 * package, a pure-JavaScript port: nothing to build, so it installs wherever npm does). RE2 matches
 * in time linear in the text, whatever the pattern: `(a+)+$`, which backtracks for ever in a
 * JavaScript RegExp, is an ordinary pattern here. It has no lookaround and no backreferences (they
 * need backtracking), so a pattern that uses them is refused when the rulebook is validated.
 *
 * Matching ignores case, as it always has. The syntax is RE2's, which for what rulebooks use
 * (classes, `\b \d \w \s`, groups, alternation, repetition up to {1000}) is JavaScript's.
 */
export interface Pattern {
  /** The pattern as compiled (for a list, its items joined): the key of a memoised answer. */
  readonly source: string;
  /** Whether the pattern occurs in the text (its first `MAX_MATCHED_TEXT` characters). */
  test(text: string): boolean;
}

/**
 * How much of a value a pattern reads: the first 1,000 characters. A job title is a few dozen; a
 * longer value is noise or an attack, and the answer for its first 1,000 characters is the answer
 * a real title gets. RE2 is linear in the text, so this bounds the work of every test of every
 * pattern on every person, whatever a CRM or an input file hands us.
 */
export const MAX_MATCHED_TEXT = 1_000;

/** A pattern the rulebook cannot use; `reason` says why (the validator locates it). */
export class PatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`pattern ${quote(pattern)} ${reason}`);
    this.name = 'PatternError';
  }
}

/** Compiles one pattern, case-insensitive. Throws PatternError. */
export function compilePattern(source: string, maxText = MAX_MATCHED_TEXT): Pattern {
  return compileSource(source, source, maxText);
}

/** One test for several patterns (a `matches_list`): true when any occurs. Throws PatternError. */
export function compileAnyPattern(sources: readonly string[], maxText = MAX_MATCHED_TEXT): Pattern {
  if (sources.length === 0) return { source: '', test: () => false };
  if (sources.length === 1) return compilePattern(sources[0]!, maxText);
  return compileSource(sources.map((source) => `(?:${source})`).join('|'), sources.join(' | '), maxText);
}

/** Why a pattern cannot be used, or null when it can. */
export function patternProblem(source: string): string | null {
  try {
    compilePattern(source);
    return null;
  } catch (error) {
    if (error instanceof PatternError) return error.message;
    throw error;
  }
}

function compileSource(source: string, shown: string, maxText: number): Pattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const feature = unsupportedFeature(source);
    if (feature) {
      throw new PatternError(
        shown,
        `uses ${feature}, which rulebook patterns do not support: they run on RE2, which matches in time linear in the text and so has no lookahead, lookbehind or backreferences; rewrite the pattern without it`,
      );
    }
    const detail = error instanceof RE2JSSyntaxException ? error.message.replace(/^error parsing regexp: /, '') : error.message;
    throw new PatternError(shown, `is not a valid regular expression (RE2 syntax): ${detail}`);
  }
  return {
    source,
    test: (text) => compiled.test(text.length > maxText ? text.slice(0, maxText) : text),
  };
}

/**
 * The backtracking-only construct a pattern uses, named for an admin, or null. Only asked about a
 * pattern RE2 refused: escapes and character classes are skipped, so `[(?=]` or `\(?=` is no lookahead.
 */
export function unsupportedFeature(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${next})`;
      if (!inClass && next === 'k' && source[i + 2] === '<') return 'a named backreference (\\k<…>)';
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++; // a leading ] is literal
      continue;
    }
    if (char === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2, i + 4);
      if (rest.startsWith('=')) return 'a lookahead (?=…)';
      if (rest.startsWith('!')) return 'a negative lookahead (?!…)';
      if (rest === '<=') return 'a lookbehind (?<=…)';
      if (rest === '<!') return 'a negative lookbehind (?<!…)';
      if (rest.startsWith('>')) return 'an atomic group (?>…)';
    }
  }
  return null;
}

/** The pattern as an admin wrote it, shortened when it is very long. */
function quote(pattern: string): string {
  return JSON.stringify(pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern);
}
