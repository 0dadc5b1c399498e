import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../src/index.js';
import { cachingPrepare } from '../src/statement-cache.js';

describe('prepared statement cache', () => {
  const open: BetterSqlite3.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });

  function countingDatabase() {
    const real = new BetterSqlite3(':memory:');
    open.push(real);
    const prepared: string[] = [];
    const database = {
      exec: (source: string) => real.exec(source),
      prepare: (source: string) => {
        prepared.push(source);
        return real.prepare(source);
      },
      close: () => real.close(),
    };
    return { database, prepared };
  }

  it('prepares a repeated storage query once', async () => {
    const { database, prepared } = countingDatabase();
    const storage = createSqliteStorage({ database });
    await storage.migrate();
    const user = await storage.users.createUser({ email: 'a@example.com', name: null, now: new Date() });
    const before = prepared.length;
    for (let i = 0; i < 20; i++) expect((await storage.users.getUserById(user.id))?.email).toBe('a@example.com');
    expect(prepared.length - before).toBe(1);
    await storage.close();
  });

  it('holds at most `max` statements, evicting the oldest', () => {
    const { database, prepared } = countingDatabase();
    const prepare = cachingPrepare(database, 3);
    for (const n of [1, 2, 3, 4]) expect(prepare(`select ${n} as n`).all([])).toEqual([{ n }]);
    prepare('select 4 as n'); // cached
    prepare('select 2 as n'); // cached
    prepare('select 1 as n'); // evicted by 4: prepared again
    expect(prepared).toEqual(['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 4 as n', 'select 1 as n']);
  });

  it('never hands out a statement that is still iterating', () => {
    const { database } = countingDatabase();
    const prepare = cachingPrepare(database);
    const first = prepare('select value from json_each(?)');
    const iterator = first.iterate(['[1,2,3]'])[Symbol.iterator]();
    expect(iterator.next().value).toEqual({ value: 1 });
    const second = prepare('select value from json_each(?)');
    expect(second).not.toBe(first);
    expect(second.all(['[7]'])).toEqual([{ value: 7 }]);
    expect([...{ [Symbol.iterator]: () => iterator }]).toEqual([{ value: 2 }, { value: 3 }]);
  });
});
