import { describe, expect, it } from 'vitest';
import { checkDataCenterUrl as checkBaseUrl } from './data-center-url.ts';

describe('checkBaseUrl', () => {
  it('keeps the origin of a root URL', () => {
    expect(checkBaseUrl('https://eu2-cloud.acronis.com')).toEqual({ ok: true, url: 'https://eu2-cloud.acronis.com' });
    expect(checkBaseUrl(' https://EU2-cloud.acronis.com/ ')).toEqual({ ok: true, url: 'https://eu2-cloud.acronis.com' });
    expect(checkBaseUrl('http://127.0.0.1:8443')).toEqual({ ok: true, url: 'http://127.0.0.1:8443' });
  });

  it.each([
    ['eu2-cloud.acronis.com', /must be a URL/],
    ['ftp://eu2-cloud.acronis.com', /https:\/\//],
    ['https://user:pw@eu2-cloud.acronis.com', /user name or password/],
    ['https://eu2-cloud.acronis.com/api/2', /remove "\/api\/2"/],
    ['https://eu2-cloud.acronis.com/?x=1', /query string/],
  ])('refuses %s with a message that says what to fix', (raw, message) => {
    const checked = checkBaseUrl(raw);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.message).toMatch(message);
  });
});
