import type { EngagementEvent } from '../model/event';
import type { EventMatch } from '../rulebook/schema';
import { globsPattern } from '../util/glob.util';
import { typeMaskOf } from './event-types';
import type { Timeline } from './timeline';

/** Tests the property part of a match; the type part is a bit mask over type codes (event-types.ts). */
export type PropertyTest = (event: EngagementEvent) => boolean;

/** A compiled match: its types as a mask, and the property test, or null when any event of those types matches. */
export interface CompiledMatch {
  typeMask: number;
  test: PropertyTest | null;
}

type ReadText = (event: EngagementEvent) => string | null;

/** Property values as the tests see them: text, or null when absent. */
function textOf(value: unknown): string | null {
  return value === undefined || value === null ? null : typeof value === 'string' ? value : String(value);
}

/** Well-known properties are read directly (a monomorphic load, one call per test); others by key. Frozen: shared by every engine. */
const KNOWN_READERS: Readonly<Record<string, ReadText>> = Object.freeze({
  url: (event) => textOf(event.properties.url),
  formId: (event) => textOf(event.properties.formId),
  formName: (event) => textOf(event.properties.formName),
  assetTitle: (event) => textOf(event.properties.assetTitle),
  contentStage: (event) => textOf(event.properties.contentStage),
});

function readerFor(key: string): ReadText {
  if (Object.hasOwn(KNOWN_READERS, key)) return KNOWN_READERS[key]!;
  // an event's own properties only: `toString` or `constructor` is no property of an event that lacks it
  return (event) => textOf(Object.hasOwn(event.properties, key) ? event.properties[key] : undefined);
}

export function compileEventMatch(match: EventMatch): CompiledMatch {
  const tests: PropertyTest[] = [];
  const glob = (key: string, globs: readonly string[] | undefined) => {
    if (!globs) return;
    const pattern = globsPattern(globs);
    const read = readerFor(key);
    tests.push((event) => {
      const value = read(event);
      return value !== null && pattern.test(value);
    });
  };
  const exact = (key: string, values: readonly string[] | undefined) => {
    if (!values) return;
    const set = new Set(values);
    const read = readerFor(key);
    tests.push((event) => {
      const value = read(event);
      return value !== null && set.has(value);
    });
  };
  glob('url', match.url);
  exact('formId', match.form_id);
  glob('formName', match.form_name);
  glob('assetTitle', match.asset_title);
  exact('contentStage', match.content_stage);
  if (match.source) {
    const sources = new Set(match.source);
    tests.push((event) => sources.has(event.source));
  }
  for (const [key, globs] of Object.entries(match.properties ?? {})) glob(key, globs);

  const typeMask = typeMaskOf(match.types);
  if (tests.length === 0) return { typeMask, test: null };
  if (tests.length === 1) return { typeMask, test: tests[0]! };
  return { typeMask, test: (event) => tests.every((test) => test(event)) };
}

/**
 * Whether the timeline's `i`-th event satisfies a compiled match, type and properties. The event
 * itself is only read when the type fits and there are properties to test.
 */
export function matchesAt(match: CompiledMatch, timeline: Timeline, i: number): boolean {
  return ((match.typeMask >>> timeline.types[i]!) & 1) === 1 && (match.test === null || match.test(timeline.input[timeline.order[i]!]!));
}
