import type { EngagementEvent, EventType } from '../model/event';
import type { EventMatch } from '../rulebook/schema';
import { globsToRegExp } from '../util/glob.util';

/** Tests the property part of a match; the type part is handled by indexing rules by type. */
export type PropertyTest = (event: EngagementEvent) => boolean;

const ALWAYS: PropertyTest = () => true;

type Read = (event: EngagementEvent) => unknown;

/** Well-known properties are read directly (a monomorphic load); others by key. */
const KNOWN_READERS: Record<string, Read> = {
  url: (event) => event.properties.url,
  formId: (event) => event.properties.formId,
  formName: (event) => event.properties.formName,
  assetTitle: (event) => event.properties.assetTitle,
  contentStage: (event) => event.properties.contentStage,
};

function readerFor(key: string): (event: EngagementEvent) => string | null {
  const read: Read = KNOWN_READERS[key] ?? ((event) => event.properties[key]);
  return (event) => {
    const value = read(event);
    return value === undefined || value === null ? null : typeof value === 'string' ? value : String(value);
  };
}

export function compileEventMatch(match: EventMatch): { types: readonly EventType[]; test: PropertyTest } {
  const tests: PropertyTest[] = [];
  const glob = (key: string, globs: readonly string[] | undefined) => {
    if (!globs) return;
    const regex = globsToRegExp(globs);
    const read = readerFor(key);
    tests.push((event) => {
      const value = read(event);
      return value !== null && regex.test(value);
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

  if (tests.length === 0) return { types: match.types, test: ALWAYS };
  if (tests.length === 1) return { types: match.types, test: tests[0]! };
  return { types: match.types, test: (event) => tests.every((test) => test(event)) };
}

/** A whole match (type and properties) as one test, for signals and fast-track lists. */
export function compileFullMatch(match: EventMatch): PropertyTest {
  const { types, test } = compileEventMatch(match);
  const typeSet = new Set<string>(types);
  return (event) => typeSet.has(event.type) && test(event);
}
