import { describe, expect, it } from 'vitest';
import { checkVendorHost, checkVendorUrl, DEFAULT_VENDOR_HOSTS, parseVendorHosts } from './vendor-hosts.ts';

const byDefault = parseVendorHosts(undefined);

describe('vendor host policy', () => {
  it("allows the vendor's data centers by default and nothing else", () => {
    expect(byDefault.entries).toEqual(DEFAULT_VENDOR_HOSTS);
    for (const url of ['https://eu2-cloud.acronis.com', 'https://us5-cloud.acronis.com', 'https://eu8.acronis.cloud']) {
      expect(checkVendorHost(url, byDefault), url).toEqual({ ok: true });
    }
    for (const url of [
      'http://127.0.0.1:8443',
      'http://localhost:3000',
      'http://[::1]:80',
      'http://10.1.2.3',
      'http://192.168.0.10:5432',
      'http://169.254.169.254',
      'https://evil.example.com',
      'https://acronis.com.evil.example',
      'https://notacronis.com',
      'http://8.8.8.8',
    ]) {
      const checked = checkVendorHost(url, byDefault);
      expect(checked.ok, url).toBe(false);
      expect(!checked.ok && checked.message).toMatch(/PSA_BRIDGE_VENDOR_HOSTS/);
    }
  });

  it('lets an operator widen it: exact hosts, addresses, ranges, and any public name', () => {
    const policy = parseVendorHosts('*.acronis.com, 127.0.0.1, 10.0.0.0/8, backup.example.com');
    expect(checkVendorHost('http://127.0.0.1:9999', policy).ok).toBe(true);
    expect(checkVendorHost('http://10.20.30.40', policy).ok).toBe(true);
    expect(checkVendorHost('https://backup.example.com', policy).ok).toBe(true);
    expect(checkVendorHost('http://127.0.0.2', policy).ok).toBe(false);
    expect(checkVendorHost('http://192.168.1.1', policy).ok).toBe(false);

    const anyName = parseVendorHosts('*');
    expect(checkVendorHost('https://dc.partner.example', anyName).ok).toBe(true);
    expect(checkVendorHost('http://8.8.8.8', anyName).ok).toBe(true);
    // "*" is any public host: the inside of the network stays closed.
    expect(checkVendorHost('http://127.0.0.1', anyName).ok).toBe(false);
    expect(checkVendorHost('http://[::ffff:127.0.0.1]', anyName).ok).toBe(false);
    expect(checkVendorHost('http://localhost', anyName).ok).toBe(false);
  });

  it('refuses a pattern-allowed name that resolves inside the network', async () => {
    const anyName = parseVendorHosts('*');
    expect(await checkVendorUrl('https://rebind.example', anyName, async () => ['127.0.0.1'])).toMatchObject({ ok: false, message: expect.stringMatching(/resolves to 127\.0\.0\.1/) });
    expect(await checkVendorUrl('https://fine.example', anyName, async () => ['93.184.216.34'])).toEqual({ ok: true });
    expect(await checkVendorUrl('https://nxdomain.example', anyName, async () => Promise.reject(new Error('ENOTFOUND')))).toEqual({ ok: true });
  });

  it('names a bad entry', () => {
    expect(() => parseVendorHosts('10.0.0.0/99')).toThrow(/"10.0.0.0\/99" is not an address range/);
    expect(() => parseVendorHosts('http://x.example')).toThrow(/"http:\/\/x.example" is not a host name/);
  });
});
