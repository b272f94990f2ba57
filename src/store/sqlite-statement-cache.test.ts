import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.ts';

describe('SQLite statement cache', () => {
  let sqlite: Database.Database;
  afterEach(() => {
    if (sqlite.open) sqlite.close();
  });

  const open = () => {
    sqlite = new Database(':memory:');
    sqlite.exec('create table t (id integer primary key, name text)');
    return sqlite;
  };

  it('prepares a query text once and gives the same statement back for it', () => {
    const db = withStatementCache(open());
    const insert = db.prepare('insert into t (name) values (?)');
    insert.run(['a']);
    expect(db.prepare('insert into t (name) values (?)')).toBe(insert);
    db.prepare('insert into t (name) values (?)').run(['b']);
    expect(db.prepare('select name from t order by id').all([])).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('prepares a fresh statement while the kept one is being iterated', () => {
    const db = withStatementCache(open());
    db.prepare('insert into t (name) values (?)').run(['a']);
    db.prepare('insert into t (name) values (?)').run(['b']);
    const select = 'select name from t order by id';
    const outer = db.prepare(select).iterate([]);
    const first = outer.next();
    expect(first.value).toEqual({ name: 'a' });
    // The same text again while the first is busy: a second statement, so both can run.
    expect(db.prepare(select).all([])).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect([...outer]).toEqual([{ name: 'b' }]);
  });

  it('keeps at most its size, dropping the least recently used text first', () => {
    const db = withStatementCache(open(), 2);
    const a = db.prepare('select 1 as v');
    const b = db.prepare('select 2 as v');
    expect(db.prepare('select 1 as v')).toBe(a); // a is now the most recently used
    db.prepare('select 3 as v'); // b goes
    expect(db.prepare('select 1 as v')).toBe(a);
    expect(db.prepare('select 2 as v')).not.toBe(b);
  });

  it('still sees a column a migration added after a statement was kept', () => {
    const db = withStatementCache(open());
    db.prepare('insert into t (name) values (?)').run(['a']);
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, name: 'a' }]);
    sqlite.exec("alter table t add column note text default 'n'");
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, name: 'a', note: 'n' }]);
  });
});
