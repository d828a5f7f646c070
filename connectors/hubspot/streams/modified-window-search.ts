/**
 * Incremental reads through CRM search, which serves at most 10,000 results per query (`after` +
 * `limit` > 10,000 is a 400, reference §4.5). The stream walks time windows on a "last modified"
 * property, [since, until), sorted ascending:
 * - a window whose total exceeds the cap is halved until it fits (the first page tells the total);
 * - inside a window it pages by keyset: the next page starts at the last record's timestamp, and
 *   `skip` counts the records already read at exactly that millisecond. Offsets stay small, and a
 *   record that moves out of the window while we page cannot shift the others past us;
 * - a finished window hands over to the next, sized from the last one, up to `now`;
 * - when since reaches `now` the stream is caught up: no request, `next: null`.
 * The search itself is a parameter, so this logic is unit-tested without HubSpot.
 */
export const SEARCH_RESULT_CAP = 10_000;

export interface WindowCursor {
  since: number;
  /** End of the window being paged (exclusive); null: choose one. */
  until: number | null;
  /** Records at exactly `since` already read. */
  skip: number;
  /** Length of the last finished window, to size the next one. */
  span: number | null;
}

export interface WindowQuery {
  from: number;
  to: number;
  after: number;
  limit: number;
}

export interface WindowPage<T> {
  total: number;
  results: T[];
}

export interface WindowStep<T> {
  results: T[];
  next: WindowCursor | null;
  /** Searches made (halvings included), for tests and logs. */
  searches: number;
}

export interface WindowSearchOptions<T> {
  cursor: WindowCursor;
  now: number;
  limit: number;
  cap?: number;
  search: (query: WindowQuery) => Promise<WindowPage<T>>;
  modifiedAt: (record: T) => number;
  /** Names the stream in errors. */
  stream: string;
}

export async function searchModifiedWindow<T>(options: WindowSearchOptions<T>): Promise<WindowStep<T>> {
  const { cursor, now, limit, search, modifiedAt, stream } = options;
  const cap = options.cap ?? SEARCH_RESULT_CAP;
  const since = cursor.since;
  if (since >= now) return { results: [], next: null, searches: 0 };

  let until = Math.min(now, cursor.until ?? (cursor.span ? since + cursor.span * 2 : now));
  let searches = 0;
  for (;;) {
    const page = await search({ from: since, to: until, after: cursor.skip, limit });
    searches += 1;
    if (page.total > cap) {
      if (until - since <= 1) {
        throw new Error(
          `${stream}: more than ${cap} records were modified in the same millisecond (${new Date(since).toISOString()}); search cannot page past ${cap}`,
        );
      }
      until = since + Math.floor((until - since) / 2);
      continue;
    }
    const { results } = page;
    const more = results.length > 0 && cursor.skip + results.length < page.total;
    if (!more) return { results, next: { since: until, until: null, skip: 0, span: until - since }, searches };
    const last = modifiedAt(results[results.length - 1]!);
    const atLast = results.filter((r) => modifiedAt(r) === last).length;
    const skip = last === since ? cursor.skip + results.length : atLast;
    return { results, next: { since: last, until, skip, span: cursor.span }, searches };
  }
}
