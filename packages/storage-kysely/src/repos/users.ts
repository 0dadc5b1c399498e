import type { Selectable } from 'kysely';
import type { User, UserRepo } from '@cloudlink/engine';
import type { UsersTable } from '../schema.js';
import { idInRange, missingRow } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber, type SqlDialect } from '../dialect.js';

/** The domain user of a `users` row. */
export function userFromRow(d: SqlDialect, r: Selectable<UsersTable>): User {
  return {
    id: decodeNumber(r.id),
    email: r.email,
    name: r.name,
    externalId: r.external_id ?? null,
    createdAt: d.decodeDate(r.created_at),
    updatedAt: d.decodeDate(r.updated_at),
  };
}

export function createUserRepo({ db, d }: RepoContext): UserRepo {
  const toUser = (r: Selectable<UsersTable>): User => userFromRow(d, r);
  return {
    async createUser({ email, name, externalId, now }) {
      const row = await db
        .insertInto('users')
        .values({ email: email.toLowerCase(), name, external_id: externalId ?? null, created_at: d.encodeDate(now), updated_at: d.encodeDate(now) })
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
    async getUserByExternalId(externalId) {
      const row = await db.selectFrom('users').selectAll().where('external_id', '=', externalId).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async updateUser(id, patch, now) {
      const row = await db
        .updateTable('users')
        .set({
          ...(patch.email === undefined ? {} : { email: patch.email.toLowerCase() }),
          ...(patch.name === undefined ? {} : { name: patch.name }),
          updated_at: d.encodeDate(now),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw missingRow('users', id);
      return toUser(row);
    },
  };
}
