/**
 * HubSpot's v3 request signature (reference §1.9; developers.hubspot.com, "Validating requests"):
 *
 * 1. refuse a request whose `X-HubSpot-Request-Timestamp` (ms) is more than 5 minutes old (and, here,
 *    more than 5 minutes in the future: a clock that far ahead is not a delivery we can date);
 * 2. the signed string is `method + requestUri + rawBody + timestamp`, UTF-8, where `requestUri` is
 *    the full `https://host/path?query` with the URL-encoded characters HubSpot lists decoded;
 * 3. the signature is base64(HMAC-SHA256(app client secret, that string));
 * 4. compare it with `X-HubSpot-Signature-v3` in constant time.
 *
 * Not the SDK's `Signature.isValid`: it compares with `===`, throws on a stale timestamp instead of
 * answering, has no check for the future and does not decode the URI.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookVerdict } from '../../../src/connector/webhooks';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** How far a delivery's timestamp may be from our clock, either way. */
export const MAX_SKEW_MS = 5 * 60_000;

/** The encoded characters HubSpot decodes in the URI before signing it (and only these). */
const DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function decodeSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => DECODED[match.toUpperCase()]!);
}

/** base64(HMAC-SHA256(secret, method + decoded uri + body + timestamp)); also what a test or a sandbox signs with. */
export function signV3(clientSecret: string, method: string, uri: string, rawBody: Buffer | string, timestamp: string): string {
  return createHmac('sha256', clientSecret)
    .update(Buffer.from(method + decodeSignedUri(uri), 'utf8'))
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest('base64');
}

function header(request: WebhookRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

export function verifyV3(clientSecret: string, request: WebhookRequest, now: number): WebhookVerdict {
  const signature = header(request, SIGNATURE_HEADER);
  const timestamp = header(request, TIMESTAMP_HEADER);
  if (signature === null || signature === '') return { ok: false, reason: 'missing X-HubSpot-Signature-v3 header' };
  if (timestamp === null || !/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed X-HubSpot-Request-Timestamp header' };
  const age = now - Number(timestamp);
  if (age > MAX_SKEW_MS) return { ok: false, reason: `timestamp is ${Math.round(age / 1000)} s old (more than ${MAX_SKEW_MS / 60_000} minutes)` };
  if (-age > MAX_SKEW_MS) return { ok: false, reason: `timestamp is ${Math.round(-age / 1000)} s in the future (more than ${MAX_SKEW_MS / 60_000} minutes)` };
  const expected = Buffer.from(signV3(clientSecret, request.method.toUpperCase(), request.url, request.rawBody, timestamp), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length that differs says only that it is not our digest
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
