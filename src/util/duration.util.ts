/** Durations in the rulebook are written as `30m`, `12h`, `7d`, `2w` (SPEC.md §3: windows, decay, SLA). */
const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;

export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as 30m, 12h, 7d or 2w`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** The inverse, for reasons and explanations: 604800000 → "7 days". */
export function describeDuration(ms: number): string {
  const days = ms / UNIT_MS.d!;
  if (days >= 1 && Number.isInteger(days)) return days === 1 ? '1 day' : `${days} days`;
  const hours = ms / UNIT_MS.h!;
  if (hours >= 1 && Number.isInteger(hours)) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.round(ms / UNIT_MS.m!);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
