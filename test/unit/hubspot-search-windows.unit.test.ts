/**
 * The 10,000-result cap of HubSpot CRM search and the connector's answer to it (time windows that
 * halve until they fit, keyset paging inside a window), against a fake search that enforces the cap
 * the way HubSpot does: `after + limit > 10,000` is an error.
 */
import { searchModifiedWindow, SEARCH_RESULT_CAP, type WindowCursor } from '../../connectors/hubspot';

interface Row {
  id: number;
  t: number;
}

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

function fakeSearch(rows: Row[], log: { after: number; limit: number; from: number; to: number }[]) {
  return async ({ from, to, after, limit }: { from: number; to: number; after: number; limit: number }) => {
    log.push({ from, to, after, limit });
    if (after + limit > SEARCH_RESULT_CAP) throw new Error(`400: after (${after}) + limit (${limit}) exceeds ${SEARCH_RESULT_CAP}`);
    const matches = rows.filter((r) => r.t >= from && r.t < to).sort((a, b) => a.t - b.t || a.id - b.id);
    return { total: matches.length, results: matches.slice(after, after + limit) };
  };
}

async function drain(rows: Row[], now: number, start: WindowCursor, onPage?: (n: number) => void) {
  const log: { after: number; limit: number; from: number; to: number }[] = [];
  const seen: number[] = [];
  let cursor: WindowCursor | null = start;
  let pages = 0;
  while (cursor) {
    const step: Awaited<ReturnType<typeof searchModifiedWindow<Row>>> = await searchModifiedWindow<Row>({
      stream: 'contacts', cursor, now, limit: 200, search: fakeSearch(rows, log), modifiedAt: (r) => r.t,
    });
    seen.push(...step.results.map((r) => r.id));
    cursor = step.next;
    onPage?.(++pages);
    if (pages > 10_000) throw new Error('no progress');
  }
  return { seen, log, pages };
}

describe('searchModifiedWindow', () => {
  it('halves a window that holds more than 10,000 records and reads every record exactly once', async () => {
    // 25,000 contacts modified within one hour (a bulk import), plus a quiet tail.
    const rows: Row[] = Array.from({ length: 25_000 }, (_, i) => ({ id: i, t: T0 + Math.floor((i * HOUR) / 25_000) }));
    rows.push(...Array.from({ length: 50 }, (_, i) => ({ id: 100_000 + i, t: T0 + 5 * HOUR + i * 60_000 })));
    const { seen, log } = await drain(rows, T0 + 24 * HOUR, { since: T0 - HOUR, until: null, skip: 0, span: null });
    expect(seen.length).toBe(rows.length);
    expect(new Set(seen).size).toBe(rows.length);
    expect(log.every((q) => q.after + q.limit <= SEARCH_RESULT_CAP)).toBe(true);
    // some window was halved: a query was retried with the same start and a shorter end
    expect(log.some((q, i) => i > 0 && q.from === log[i - 1]!.from && q.to < log[i - 1]!.to)).toBe(true);
    expect(log.every((q) => q.to <= T0 + 24 * HOUR)).toBe(true);
  });

  it('pages through many records modified in the same millisecond with skip', async () => {
    const rows: Row[] = [
      ...Array.from({ length: 450 }, (_, i) => ({ id: i, t: T0 })),
      ...Array.from({ length: 30 }, (_, i) => ({ id: 1000 + i, t: T0 + 1 + i })),
    ];
    const { seen } = await drain(rows, T0 + HOUR, { since: T0, until: null, skip: 0, span: null });
    expect(seen.sort((a, b) => a - b)).toEqual(rows.map((r) => r.id).sort((a, b) => a - b));
  });

  it('does not skip records when one moves out of the window while paging', async () => {
    const rows: Row[] = Array.from({ length: 1000 }, (_, i) => ({ id: i, t: T0 + i * 1000 }));
    const now = T0 + HOUR;
    const { seen } = await drain(rows, now, { since: T0, until: null, skip: 0, span: null }, (page) => {
      // after the first page, an already-read record is modified again (after now)
      if (page === 1) rows[10]!.t = now + 5;
    });
    const expected = rows.filter((r) => r.t < now).map((r) => r.id);
    expect(new Set(seen)).toEqual(new Set([...expected, 10]));
  });

  it('is caught up without a request once since reaches now', async () => {
    const log: { after: number; limit: number; from: number; to: number }[] = [];
    const step = await searchModifiedWindow<Row>({
      stream: 'contacts', cursor: { since: T0, until: null, skip: 0, span: null }, now: T0, limit: 200,
      search: fakeSearch([], log), modifiedAt: (r) => r.t,
    });
    expect(step).toEqual({ results: [], next: null, searches: 0 });
    expect(log).toEqual([]);
  });

  it('fails clearly when more than 10,000 records share one millisecond', async () => {
    const rows = Array.from({ length: SEARCH_RESULT_CAP + 1 }, (_, i) => ({ id: i, t: T0 }));
    await expect(drain(rows, T0 + 1, { since: T0, until: null, skip: 0, span: null }))
      .rejects.toThrow(/contacts: more than 10000 records were modified in the same millisecond \(2026-11-01T00:00:00.000Z\)/);
  });
});
