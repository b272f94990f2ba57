import { describe, expect, it } from 'vitest';
import { isHttpUrl, parseHttpUrl } from './http-url.ts';

describe('http(s) URL check', () => {
  it('accepts absolute http and https URLs, trimmed', () => {
    expect(isHttpUrl('https://example.test/path?q=1')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:8080')).toBe(true);
    expect(parseHttpUrl('  https://Example.test/  ')?.origin).toBe('https://example.test');
  });
  it('refuses other schemes, relative paths and text that is no URL', () => {
    for (const text of ['ftp://example.test', 'javascript:alert(1)', 'file:///etc/passwd', '/relative', 'example.test', '', 'https//missing-colon']) {
      expect(isHttpUrl(text)).toBe(false);
    }
  });
});
