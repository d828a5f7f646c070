/**
 * Sorts only the first `count` positions of an array: quickselect moves the `count` smallest to the front,
 * then only those are sorted. The connector pages with `ORDER BY SystemModstamp, Id LIMIT 2000` over
 * whole tables, so most of a full sort would be thrown away. The comparator must be a total order (the
 * callers break ties by source index), which makes the result the same as a full sort's prefix.
 */
export function sortPrefix<T>(items: T[], count: number, compare: (a: T, b: T) => number): T[] {
  // below this share a full sort is about as fast and simpler
  if (count * 8 >= items.length) return items.sort(compare);
  moveSmallestToFront(items, count, compare);
  const prefix = items.slice(0, count).sort(compare);
  return prefix;
}

/** Rearranges `items` so that its first `count` elements are the `count` smallest, in no order. */
function moveSmallestToFront<T>(items: T[], count: number, compare: (a: T, b: T) => number): void {
  let left = 0;
  let right = items.length - 1;
  while (right > left) {
    const pivotAt = medianOfThree(items, left, (left + right) >>> 1, right, compare);
    const pivot = items[pivotAt]!;
    swap(items, pivotAt, right);
    let store = left;
    for (let i = left; i < right; i++) {
      if (compare(items[i]!, pivot) < 0) swap(items, store++, i);
    }
    swap(items, store, right);
    if (store === count) return;
    if (store < count) left = store + 1;
    else right = store - 1;
  }
}

function medianOfThree<T>(items: T[], a: number, b: number, c: number, compare: (x: T, y: T) => number): number {
  const x = items[a]!;
  const y = items[b]!;
  const z = items[c]!;
  if (compare(x, y) < 0) return compare(y, z) < 0 ? b : compare(x, z) < 0 ? c : a;
  return compare(x, z) < 0 ? a : compare(y, z) < 0 ? c : b;
}

function swap<T>(items: T[], i: number, j: number): void {
  const item = items[i]!;
  items[i] = items[j]!;
  items[j] = item;
}
