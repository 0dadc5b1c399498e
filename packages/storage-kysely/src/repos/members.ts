import { StorageConflictError } from '@cloudlink/engine';
import type { Member, MemberPermissions, MemberRepo, RoleCode } from '@cloudlink/engine';
import type { Selectable } from 'kysely';
import type { WorkspaceMembersTable } from '../schema.js';
import { idInRange } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber, type SqlDialect } from '../dialect.js';

/** A `workspace_members` row with its role's code and its user's email and name. */
export type MemberRow = Omit<Selectable<WorkspaceMembersTable>, 'role_id'> & { role_code: string; user_email: string; user_name: string | null };

/** The domain member of a member row. */
export function memberFromRow(d: SqlDialect, r: MemberRow): Member {
  return {
    id: decodeNumber(r.id),
    workspaceId: decodeNumber(r.workspace_id),
    userId: decodeNumber(r.user_id),
    role: r.role_code as RoleCode,
    permissions: r.permissions === null ? null : (d.decodeJson(r.permissions) as MemberPermissions),
    isActive: d.decodeBool(r.is_active),
    joinedAt: d.decodeDate(r.joined_at),
    createdAt: d.decodeDate(r.created_at),
    updatedAt: d.decodeDate(r.updated_at),
    user: { id: decodeNumber(r.user_id), name: r.user_name, email: r.user_email },
  };
}

export function createMemberRepo({ db, d }: RepoContext): MemberRepo {
  const active = d.encodeBool(true);

  /** Members joined with their role code and user, optionally narrowed to one user. */
  const selectMembers = (workspaceId: number) =>
    db
      .selectFrom('workspace_members as m')
      .innerJoin('roles as r', 'r.id', 'm.role_id')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'm.id',
        'm.workspace_id',
        'm.user_id',
        'm.permissions',
        'm.is_active',
        'm.joined_at',
        'm.created_at',
        'm.updated_at',
        'r.code as role_code',
        'u.email as user_email',
        'u.name as user_name',
      ])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.is_active', '=', active);

  const toMember = (r: MemberRow): Member => memberFromRow(d, r);

  const getMember = async (workspaceId: number, userId: number): Promise<Member | null> => {
    if (!idInRange(d, userId)) return null;
    const row = await selectMembers(workspaceId).where('m.user_id', '=', userId).executeTakeFirst();
    return row ? toMember(row) : null;
  };
  const roleId = (role: RoleCode) => db.selectFrom('roles').select('id').where('code', '=', role);

  return {
    async addMember({ workspaceId, userId, role, permissions, now }) {
      const existing = await db
        .selectFrom('workspace_members')
        .select(['id', 'is_active'])
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const perms = permissions === null ? null : d.encodeJson(permissions);
      if (existing && d.decodeBool(existing.is_active)) throw new StorageConflictError('workspace_members');
      if (existing) {
        // A removed member comes back on the same row (the (workspace, user) pair is unique).
        await db
          .updateTable('workspace_members')
          .set({
            role_id: roleId(role),
            permissions: perms,
            is_active: active,
            joined_at: d.encodeDate(now),
            updated_at: d.encodeDate(now),
          })
          .where('id', '=', existing.id)
          .execute();
      } else {
        await db
          .insertInto('workspace_members')
          .values({
            workspace_id: workspaceId,
            user_id: userId,
            role_id: roleId(role),
            permissions: perms,
            is_active: active,
            joined_at: d.encodeDate(now),
            created_at: d.encodeDate(now),
            updated_at: d.encodeDate(now),
          })
          .execute();
      }
      const member = await getMember(workspaceId, userId);
      if (!member) throw new Error(`unknown role ${role}`);
      return member;
    },
    getMember,
    async listMembers(workspaceId, page) {
      let q = selectMembers(workspaceId);
      if (page.after !== undefined) q = q.where('m.id', '>', Math.min(page.after, d.maxId));
      const rows = await q.orderBy('m.id').limit(page.limit).execute();
      return rows.map(toMember);
    },
    async setMemberRole({ workspaceId, userId, role, now }) {
      await db
        .updateTable('workspace_members')
        .set({ role_id: roleId(role), updated_at: d.encodeDate(now) })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .where('is_active', '=', active)
        .execute();
      return getMember(workspaceId, userId);
    },
    async removeMember({ workspaceId, userId, now }) {
      const result = await db
        .updateTable('workspace_members')
        .set({ is_active: d.encodeBool(false), updated_at: d.encodeDate(now) })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .where('is_active', '=', active)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async countMembers(workspaceId, options) {
      let q = db
        .selectFrom('workspace_members as m')
        .innerJoin('roles as r', 'r.id', 'm.role_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('m.workspace_id', '=', workspaceId)
        .where('m.is_active', '=', active);
      if (options?.role) q = q.where('r.code', '=', options.role);
      const row = await q.executeTakeFirstOrThrow();
      return decodeNumber(row.n);
    },
  };
}
