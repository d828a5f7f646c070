import type { Reason } from '../model/decision';
import type { Facts } from './facts';
import { placeholdersOf } from './template';

/**
 * The top reasons of a decision: what earned or cost the most points, largest magnitude first, ties
 * in the order offered (fit rules, then engagement rules, then signals). Candidates are offered as
 * numbers; only the few that make the list are rendered to text, the rest never build a string.
 * One ranking is reused by every evaluation of an engine (evaluation is synchronous).
 */
export class ReasonRanking {
  private kinds = new Int8Array(32);
  private indexes = new Int32Array(32);
  private points = new Float64Array(32);
  private magnitudes = new Float64Array(32);
  private top = new Int32Array(8);
  private size = 0;
  /** Candidates offered per kind (kinds are small: 0, 1, 2). */
  private perKind = new Int32Array(8);

  reset(): void {
    this.size = 0;
    this.perKind.fill(0);
  }

  /** `kind` and `index` say what to render if the candidate is chosen; `points` rank it. */
  offer(kind: number, index: number, points: number): void {
    if (this.size === this.points.length) this.grow();
    this.kinds[this.size] = kind;
    this.indexes[this.size] = index;
    this.points[this.size] = points;
    this.magnitudes[this.size] = Math.abs(points);
    this.perKind[kind]!++;
    this.size++;
  }

  /** How many candidates of the kinds in `kindMask` (bit `1 << kind`) were offered. */
  count(kindMask: number): number {
    let n = 0;
    for (let kind = 0; kind < this.perKind.length; kind++) if (((kindMask >>> kind) & 1) === 1) n += this.perKind[kind]!;
    return n;
  }

  /**
   * Appends the best candidates to `reasons` until it holds `limit`: the order a stable sort by
   * descending |points| would give, found by keeping a short sorted list of the best so far.
   * Only candidates of the kinds in `kindMask` (bit `1 << kind`) are taken; all by default.
   */
  take(reasons: Reason[], limit: number, facts: Facts, render: (kind: number, index: number, facts: Facts) => string, kindMask = -1): Reason[] {
    const room = limit - reasons.length;
    if (room <= 0) return reasons;
    if (this.top.length < room) this.top = new Int32Array(room);
    const { magnitudes, top, size, kinds } = this;
    let filled = 0;
    for (let c = 0; c < size; c++) {
      if (((kindMask >>> kinds[c]!) & 1) === 0) continue;
      const magnitude = magnitudes[c]!;
      // a later candidate passes an earlier one only when strictly larger: ties keep offer order
      if (filled === room && !(magnitude > magnitudes[top[filled - 1]!]!)) continue;
      let j = filled < room ? filled++ : filled - 1;
      while (j > 0 && magnitude > magnitudes[top[j - 1]!]!) {
        top[j] = top[j - 1]!;
        j--;
      }
      top[j] = c;
    }
    for (let k = 0; k < filled; k++) {
      const c = top[k]!;
      reasons.push({ text: render(this.kinds[c]!, this.indexes[c]!, facts), points: this.points[c]! });
    }
    return reasons;
  }

  private grow(): void {
    const size = 2 * this.points.length;
    this.kinds = grown(this.kinds, new Int8Array(size));
    this.indexes = grown(this.indexes, new Int32Array(size));
    this.points = grown(this.points, new Float64Array(size));
    this.magnitudes = grown(this.magnitudes, new Float64Array(size));
  }
}

/** `into` (larger) holding `from`'s values at the start. */
function grown<T extends Int8Array | Int32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/** A rule's reason names the activity; the count says how often it was counted. */
export function describeCount(text: string, count: number): string {
  return count > 1 && !text.includes('{count}') ? `${text} (${count}×)` : text;
}

/** How a rule's or signal's reason reads for a count of events. */
export type CountedReason = (facts: Facts, count: number) => string;

/**
 * Reuses the text of a reason whose template reads nothing but the values the engine supplies
 * (`supplied`, such as {count} and {window}): its text then depends on the count alone, and the
 * same few strings ("viewed pricing (3×)") need not be built again for every person.
 */
export function reuseByCount(template: string, supplied: readonly string[], render: CountedReason): CountedReason {
  if (!placeholdersOf(template).every((name) => supplied.includes(name))) return render;
  const texts: string[] = [];
  return (facts, count) => {
    // counts are small; a bound keeps the cache from growing with a pathological one
    if (!(count >= 0 && count < 256 && Number.isInteger(count))) return render(facts, count);
    return (texts[count] ??= render(facts, count));
  };
}
