import type { Selectable } from 'kysely';
import type { User, UserRepo } from '@cloudlink/engine';
import type { UsersTable } from '../schema.js';
import { idInRange } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber, type SqlDialect } from '../dialect.js';

/** The domain user of a `users` row. */
export function userFromRow(d: SqlDialect, r: Selectable<UsersTable>): User {
  return {
    id: decodeNumber(r.id),
    email: r.email,
    name: r.name,
    createdAt: d.decodeDate(r.created_at),
    updatedAt: d.decodeDate(r.updated_at),
  };
}

export function createUserRepo({ db, d }: RepoContext): UserRepo {
  const toUser = (r: Selectable<UsersTable>): User => userFromRow(d, r);
  return {
    async createUser({ email, name, now }) {
      const row = await db
        .insertInto('users')
        .values({ email: email.toLowerCase(), name, created_at: d.encodeDate(now), updated_at: d.encodeDate(now) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },
    async getUserById(id) {
      if (!idInRange(d, id)) return null;
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async getUserByEmail(email) {
      // Stored lower-case, so lower-casing the argument makes the lookup case-insensitive.
      const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row ? toUser(row) : null;
    },
  };
}
