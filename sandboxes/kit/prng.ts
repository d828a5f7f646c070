/**
 * Seeded pseudo-random numbers. Every random choice in a sandbox (seed data, fault injection,
 * correlation and error ids, tokens) comes from here, so the same seed always gives the same account
 * and the same fault sequence, and a failing test can be replayed exactly.
 */

// Module-level copies: inside Jest's vm context every `Math.x` is a slow global-proxy lookup, and
// these run millions of times while seeding (measured 70× slower without them).
const imul = Math.imul;
const floor = Math.floor;

/**
 * Mixes several integers into one 32-bit seed, so record `i` of stream `s` gets its own independent
 * generator: contact 17 is the same whether or not contacts 0..16 were generated first (lazy seeding).
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h = imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Weight tables are object literals reused per call site; remember their totals. */
const WEIGHT_TABLES = new WeakMap<object, { entries: [string, number][]; total: number }>();

export class Prng {
  /** mulberry32 (tiny, fast, good enough for synthetic data; not for cryptography). */
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  static for(...parts: number[]): Prng {
    return new Prng(mixSeed(...parts));
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() from an empty list');
    return items[floor(this.next() * items.length)]!;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    let table = WEIGHT_TABLES.get(weights);
    if (!table) {
      const entries = Object.entries(weights) as [string, number][];
      table = { entries, total: entries.reduce((sum, [, w]) => sum + w, 0) };
      WEIGHT_TABLES.set(weights, table);
    }
    const entries = table.entries as [K, number][];
    const total = table.total;
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  /** A version-4-shaped UUID, from this generator rather than crypto, so it is reproducible. */
  uuid(): string {
    const hex = (n: number) =>
      Array.from({ length: n }, () => floor(this.next() * 16).toString(16)).join('');
    const variant = (8 + floor(this.next() * 4)).toString(16);
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }
}
