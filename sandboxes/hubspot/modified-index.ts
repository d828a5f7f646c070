/**
 * The contacts search index on `lastmodifieddate`: live contacts sorted by (time, index), kept up to
 * date on every write, create, delete and merge. A search filtered on that property (the way an
 * incremental sync reads changes) reads its range instead of filtering and sorting the whole portal
 * per request: HubSpot's search is an index too, and a sandbox that scanned 100,000 contacts per
 * request served 2.5 requests a second, so a re-sync measured the sandbox's CPU, not the API quota.
 *
 * Built on first use. A write appends (its time is the sandbox clock's now, the newest); the entry it
 * replaces stays as a tombstone (an entry is live while it is its contact's current time) until a
 * compaction rebuilds the arrays.
 */
/** Bounds in ms (null: open), each inclusive or not. */
export interface TimeRange {
  from: number | null;
  fromInclusive: boolean;
  to: number | null;
  toInclusive: boolean;
}

export class ModifiedIndex {
  private times: number[] = [];
  private indexes: number[] = [];
  /** contact index → its current lastmodifieddate (ms) */
  private current = new Map<number, number>();
  private dead = 0;
  private built = false;

  constructor(
    /** Every live contact index with its lastmodifieddate (ms), for the first build. */
    private readonly live: () => Iterable<[number, number]>,
  ) {}

  private ensureBuilt(): void {
    if (this.built) return;
    this.current = new Map([...this.live()].filter(([, time]) => !Number.isNaN(time)));
    this.rebuild();
    this.built = true;
  }

  private rebuild(): void {
    const entries = [...this.current].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    this.indexes = entries.map(([index]) => index);
    this.times = entries.map(([, time]) => time);
    this.dead = 0;
  }

  /** The contact's lastmodifieddate is now `time` (a write, a create, a merge). */
  touch(index: number, time: number): void {
    if (!this.built || Number.isNaN(time)) return;
    const old = this.current.get(index);
    if (old === time) return;
    if (old !== undefined) this.dead++;
    this.current.set(index, time);
    const n = this.times.length;
    // the usual case: the newest time (same millisecond as the last entry: the batch's order by index)
    let at = n;
    while (at > 0 && (this.times[at - 1]! > time || (this.times[at - 1] === time && this.indexes[at - 1]! > index))) {
      if (n - at > 64) {
        at = this.lowerBound(time, index);
        break;
      }
      at--;
    }
    this.times.splice(at, 0, time);
    this.indexes.splice(at, 0, index);
    this.compactIfStale();
  }

  /** The contact is gone (deleted, merged away). */
  remove(index: number): void {
    if (!this.built || !this.current.delete(index)) return;
    this.dead++;
    this.compactIfStale();
  }

  private compactIfStale(): void {
    if (this.dead > 10_000 && this.dead * 2 > this.times.length) this.rebuild();
  }

  /** First position whose (time, index) is ≥ (time, index). */
  private lowerBound(time: number, index = -Infinity): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.times[mid]!;
      if (t < time || (t === time && this.indexes[mid]! < index)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Live contact indexes with lastmodifieddate in the range, ascending by (time, index). */
  *range({ from, fromInclusive, to, toInclusive }: TimeRange): Generator<number> {
    this.ensureBuilt();
    let k = from === null ? 0 : this.lowerBound(from);
    let previous: [number, number] | null = null;
    for (; k < this.times.length; k++) {
      const time = this.times[k]!;
      if (from !== null && !fromInclusive && time === from) continue;
      if (to !== null && (time > to || (!toInclusive && time === to))) return;
      const index = this.indexes[k]!;
      if (this.current.get(index) !== time) continue; // a tombstone
      // an entry written again at a time it had before sits next to its old twin
      if (previous !== null && previous[0] === time && previous[1] === index) continue;
      previous = [time, index];
      yield index;
    }
  }
}
