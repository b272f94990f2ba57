/**
 * How a ConnectWise callback proves where it comes from (reference psa.md §B, callbacks): the body
 * is signed with HMAC-SHA256, base64 in `x-content-signature`, under a key derived from the text
 * ConnectWise serves at the delivery's `Metadata.key_url`: the SHA-256 of that text. Pure: the key
 * text is fetched by the caller.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The HMAC key of a signing key text as ConnectWise serves it (`{"signing_key": "…"}`). */
export function callbackSigningKey(signingKeyText: string): Buffer {
  return createHash('sha256').update(signingKeyText, 'utf8').digest();
}

/** Whether `signature` (base64, as the header carries it) signs `rawBody` under `key`; compared in constant time. */
export function callbackSignatureMatches(rawBody: string, signature: string, key: Buffer): boolean {
  const given = Buffer.from(signature.trim(), 'base64');
  const expected = createHmac('sha256', key).update(rawBody, 'utf8').digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The key URL a delivery names, when it may be trusted: on the integration's own ConnectWise site.
 * A key URL elsewhere would let anyone sign with a key of their own. Returns why not otherwise.
 */
export function trustedKeyUrl(keyUrl: string, siteOrigin: string): { url: URL } | { problem: string; keyOrigin?: string } {
  let url: URL;
  try {
    url = new URL(keyUrl);
  } catch {
    return { problem: 'The callback names a key URL that is not a URL; refused.' };
  }
  if (url.origin !== siteOrigin) {
    return { problem: `The callback's key URL is on ${url.origin}, not on the integration's ConnectWise site ${siteOrigin}; refused.`, keyOrigin: url.origin };
  }
  return { url };
}
