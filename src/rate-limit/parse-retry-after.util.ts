/**
 * A Retry-After header in ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or
 * unreadable. Not every CRM documents it for its 429s, but we honour it when it comes.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // an HTTP date names its day and month; without letters, Date.parse would read '-1' as a year
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
