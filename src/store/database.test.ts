import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl } from './database.ts';

describe('parseDatabaseUrl', () => {
  it('defaults to SQLite under ./data', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ dialect: 'sqlite', path: './data/psa-bridge.db' });
    expect(parseDatabaseUrl('  ')).toEqual({ dialect: 'sqlite', path: './data/psa-bridge.db' });
  });

  it('reads SQLite URLs and plain paths', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({ dialect: 'sqlite', path: './data/x.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/psa/x.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/psa/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('/srv/psa.db')).toEqual({ dialect: 'sqlite', path: '/srv/psa.db' });
    expect(parseDatabaseUrl('C:\\data\\psa.db')).toEqual({ dialect: 'sqlite', path: 'C:\\data\\psa.db' });
  });

  it('reads PostgreSQL URLs, taking the schema out of the query', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/psa')).toEqual({ dialect: 'postgres', connectionString: 'postgres://u:p@db:5432/psa' });
    expect(parseDatabaseUrl('postgresql://u@db/psa?schema=t_1&sslmode=require')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgresql://u@db/psa?sslmode=require',
      schema: 't_1',
    });
  });

  it('explains a bad URL, naming DATABASE_URL and never echoing the password', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/psa')).toThrow(/DATABASE_URL "mysql:\/\/root:\*\*\*@db\/psa".*not supported.*postgres:\/\//);
    expect(() => parseDatabaseUrl('postgres://u@db/psa?schema=bad;drop')).toThrow(expect.objectContaining({ code: 'database_url_invalid' }));
    expect(() => parseDatabaseUrl('postgres://u:p@db:notaport/psa')).toThrow(/DATABASE_URL.*not a valid URL/);
    try {
      parseDatabaseUrl('mysql://root:hunter2@db/psa');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });

  it('redacts passwords', () => {
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});
