import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to a SQLite file under ./data and port 8080', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe(path.resolve('./data/psa-bridge.db'));
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.admin).toBeUndefined();
  });

  it('takes a PostgreSQL URL as is', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/hub' }).databaseUrl).toBe('postgres://u@db:5432/hub');
  });

  it('names the variable and the fix for a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a number/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL .*not supported.*postgres:\/\//);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: must be one of/);
  });

  it('reads an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', PSA_BRIDGE_ADMIN_PASSWORD: '' })).toMatchObject({ port: 8080, admin: undefined });
  });

  it('refuses half an admin account', () => {
    expect(() => loadConfig({ PSA_BRIDGE_ADMIN_USER: 'admin' })).toThrow(/must be set together/);
    expect(loadConfig({ PSA_BRIDGE_ADMIN_USER: 'admin', PSA_BRIDGE_ADMIN_PASSWORD: 'pw' }).admin).toEqual({
      username: 'admin',
      password: 'pw',
    });
  });

  it("sends credentials to the vendor's hosts, hides the API docs and keeps /metrics behind a token by default", () => {
    expect(loadConfig({})).toMatchObject({ vendorHosts: { entries: ['*.acronis.com', '*.acronis.cloud'] }, apiDocs: false, metrics: 'token' });
    expect(loadConfig({ PSA_BRIDGE_VENDOR_HOSTS: '*.acronis.com, 127.0.0.1', PSA_BRIDGE_API_DOCS: 'on', PSA_BRIDGE_METRICS: 'public' })).toMatchObject({
      vendorHosts: { entries: ['*.acronis.com', '127.0.0.1'] },
      apiDocs: true,
      metrics: 'public',
    });
    expect(() => loadConfig({ PSA_BRIDGE_VENDOR_HOSTS: 'https://x.example/' })).toThrow(/PSA_BRIDGE_VENDOR_HOSTS: "https:\/\/x.example\/" is not a host name/);
    expect(() => loadConfig({ PSA_BRIDGE_METRICS: 'yes' })).toThrow(/PSA_BRIDGE_METRICS: must be token, public or off/);
  });

  it('keeps the run history 90 days and the audit trail 400 by default; 0 keeps either forever; a bad value names the variable', () => {
    expect(loadConfig({}).retention).toEqual({ runHistoryDays: 90, auditDays: 400 });
    expect(loadConfig({ PSA_BRIDGE_RUN_HISTORY_DAYS: '0', PSA_BRIDGE_AUDIT_DAYS: '730' }).retention).toEqual({ runHistoryDays: 0, auditDays: 730 });
    expect(() => loadConfig({ PSA_BRIDGE_RUN_HISTORY_DAYS: 'a month' })).toThrow(/PSA_BRIDGE_RUN_HISTORY_DAYS: must be a number of days/);
    expect(() => loadConfig({ PSA_BRIDGE_AUDIT_DAYS: '-1' })).toThrow(/PSA_BRIDGE_AUDIT_DAYS: must be 0 \(keep forever\) or more days/);
  });

  it('holds a pending write 5 minutes by default; the lease can be shortened to no less than 10 s', () => {
    expect(loadConfig({}).journalLeaseMs).toBe(300_000);
    expect(loadConfig({ PSA_BRIDGE_JOURNAL_LEASE_SECONDS: '30' }).journalLeaseMs).toBe(30_000);
    expect(() => loadConfig({ PSA_BRIDGE_JOURNAL_LEASE_SECONDS: '2' })).toThrow(/PSA_BRIDGE_JOURNAL_LEASE_SECONDS: must be at least 10 seconds/);
  });
});
