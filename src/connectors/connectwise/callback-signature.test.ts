import { describe, expect, it } from 'vitest';
import { callbackSignatureMatches, callbackSigningKey, trustedKeyUrl } from './callback-signature.ts';

// A vector computed outside this code, with openssl:
//   KEY=$(printf '%s' 'abc123-signing-key' | openssl dgst -sha256 -binary | xxd -p -c 64)
//   printf '%s' "$BODY" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64
const KEY_TEXT = 'abc123-signing-key';
const BODY = '{"Action":"updated","Type":"ticket","ID":42}';
const SIGNATURE = 'w8gLeSMMjk7DWN0SAlPv1ARERd/FTvvy6GGMzPHkr+M=';

describe('ConnectWise callback signature', () => {
  it('derives the key as the SHA-256 of the signing key text', () => {
    expect(callbackSigningKey(KEY_TEXT).toString('hex')).toBe('9d8dd14771f13622cd7026c5bae328cbae43ff8c490394a524e2915ffc07a7b9');
  });

  it('accepts the signature of the exact body, also with spaces around the header value', () => {
    const key = callbackSigningKey(KEY_TEXT);
    expect(callbackSignatureMatches(BODY, SIGNATURE, key)).toBe(true);
    expect(callbackSignatureMatches(BODY, ` ${SIGNATURE}\n`, key)).toBe(true);
  });

  it('refuses a changed body, another key, a truncated or a garbage signature', () => {
    const key = callbackSigningKey(KEY_TEXT);
    expect(callbackSignatureMatches(BODY.replace('42', '43'), SIGNATURE, key)).toBe(false);
    expect(callbackSignatureMatches(BODY, SIGNATURE, callbackSigningKey('another key'))).toBe(false);
    expect(callbackSignatureMatches(BODY, SIGNATURE.slice(0, 20), key)).toBe(false);
    expect(callbackSignatureMatches(BODY, 'not base64 at all!', key)).toBe(false);
    expect(callbackSignatureMatches(BODY, '', key)).toBe(false);
  });

  it('trusts a key URL only on the integration site', () => {
    const site = 'https://na.myconnectwise.net';
    const ok = trustedKeyUrl('https://na.myconnectwise.net/v4_6_release/apis/3.0/system/callbackkeys/1', site);
    expect('url' in ok && ok.url.pathname).toBe('/v4_6_release/apis/3.0/system/callbackkeys/1');
    const elsewhere = trustedKeyUrl('https://attacker.example/key', site);
    expect(elsewhere).toMatchObject({ keyOrigin: 'https://attacker.example' });
    expect('problem' in elsewhere && elsewhere.problem).toContain('not on the integration');
    expect(trustedKeyUrl('https://na.myconnectwise.net.attacker.example/key', site)).toHaveProperty('problem');
    expect(trustedKeyUrl('not a url', site)).toEqual({ problem: 'The callback names a key URL that is not a URL; refused.' });
  });
});
