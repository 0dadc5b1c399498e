import { describe, expect, it } from 'vitest';
import { prefixTablesInSql } from '../src/prefix-sql.js';

const p = (text: string) => prefixTablesInSql(text, 'cl_');

describe('prefixTablesInSql', () => {
  it('prefixes tables, indexes and triggers in the positions that can only hold them', () => {
    expect(p('CREATE TABLE users (id INTEGER, owner_id INTEGER REFERENCES users (id))')).toBe('CREATE TABLE cl_users (id INTEGER, owner_id INTEGER REFERENCES cl_users (id))');
    expect(p('CREATE UNIQUE INDEX IF NOT EXISTS ux_users_email ON users (email) WHERE users = 1')).toBe(
      'CREATE UNIQUE INDEX IF NOT EXISTS cl_ux_users_email ON cl_users (email) WHERE users = 1',
    );
    expect(p('ALTER TABLE resources ADD COLUMN parent_resource_id INTEGER REFERENCES "resources" (id)')).toBe(
      'ALTER TABLE cl_resources ADD COLUMN parent_resource_id INTEGER REFERENCES "cl_resources" (id)',
    );
    expect(p(`CREATE TRIGGER tr_x BEFORE UPDATE OF name ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log FROM users'); END`)).toBe(
      `CREATE TRIGGER cl_tr_x BEFORE UPDATE OF name ON cl_audit_log BEGIN SELECT RAISE(ABORT, 'audit_log FROM users'); END`,
    );
    expect(p('DROP INDEX IF EXISTS ix_a; DROP TABLE IF EXISTS t')).toBe('DROP INDEX IF EXISTS cl_ix_a; DROP TABLE IF EXISTS cl_t');
    expect(p('ALTER TABLE a RENAME TO b')).toBe('ALTER TABLE cl_a RENAME TO cl_b');
    expect(p('ALTER TABLE a RENAME COLUMN x TO y')).toBe('ALTER TABLE cl_a RENAME COLUMN x TO y');
  });

  it('prefixes the tables of DML and their qualifiers, never aliases, columns, strings or comments', () => {
    expect(p('UPDATE roles SET permissions = ? WHERE roles.id = ?')).toBe('UPDATE cl_roles SET permissions = ? WHERE cl_roles.id = ?');
    expect(p('UPDATE OR REPLACE roles SET code = 1')).toBe('UPDATE OR REPLACE cl_roles SET code = 1');
    expect(p('INSERT INTO plans (id, name) SELECT p.id, users.name FROM projects AS p JOIN users ON users.id = p.user_id -- FROM roles')).toBe(
      'INSERT INTO cl_plans (id, name) SELECT p.id, cl_users.name FROM cl_projects AS p JOIN cl_users ON cl_users.id = p.user_id -- FROM roles',
    );
    expect(p('SELECT u.id FROM users u WHERE u.id IN (SELECT user_id FROM workspace_members) /* users */')).toBe(
      'SELECT u.id FROM cl_users u WHERE u.id IN (SELECT user_id FROM cl_workspace_members) /* users */',
    );
    expect(p('SELECT value FROM json_each(x)')).toBe('SELECT value FROM json_each(x)');
    expect(p('INSERT INTO t ("values", "users") VALUES (\u0000, \u0000)')).toBe('INSERT INTO cl_t ("values", "users") VALUES (\u0000, \u0000)');
    expect(p('INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2')).toBe('INSERT INTO cl_t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2');
  });

  it('refuses what it cannot place instead of guessing', () => {
    expect(() => p('SELECT * FROM main.users')).toThrow(/schema-qualified/);
    expect(() => p('SELECT * FROM users, roles')).toThrow(/comma join/);
    expect(() => p('SELECT * FROM users u, roles')).toThrow(/comma join/);
  });
});
