/**
 * How an Autotask webhook callout proves where it comes from (reference psa.md §A.6): header
 * `X-Hook-Signature: sha1=<base64 HMAC-SHA1(secretKey, body)>`, the secret key being the one the
 * webhook was created with. The HMAC is over the body exactly as sent (Autotask serializes it
 * .NET-style, escaping `& < > ' " \` +` and non-ASCII), so it is checked on the raw bytes, never on a
 * re-serialized parse. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha1=';

/** The header value Autotask sends for `rawBody` under `secretKey`. */
export function webhookSignature(secretKey: string, rawBody: string): string {
  return `${PREFIX}${createHmac('sha1', secretKey).update(rawBody, 'utf8').digest('base64')}`;
}

/** Whether `header` (the X-Hook-Signature value) signs `rawBody` under `secretKey`; compared in constant time. */
export function webhookSignatureMatches(rawBody: string, header: string, secretKey: string): boolean {
  const text = header.trim();
  if (!text.toLowerCase().startsWith(PREFIX)) return false;
  const given = Buffer.from(text.slice(PREFIX.length), 'base64');
  const expected = createHmac('sha1', secretKey).update(rawBody, 'utf8').digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
