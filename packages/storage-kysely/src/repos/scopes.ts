import type { Selectable } from 'kysely';
import type { ScopeRepo, UserRef } from '@cloudlink/engine';
import type { EnvironmentsTable, ProjectsTable, UsersTable, WorkspaceMembersTable, WorkspacesTable } from '../schema.js';
import { idInRange } from './context.js';
import type { RepoContext } from './context.js';
import { userFromRow } from './users.js';
import { workspaceFromRow } from './workspaces.js';
import { memberFromRow } from './members.js';
import { projectFromRow } from './projects.js';
import { environmentFromRow } from './environments.js';

/**
 * The access check's reads as one statement each: the user, then LEFT JOINs to the workspace (or
 * project, its workspace and environment) and the membership, so a missing part is a row of NULLs
 * rather than a missing row. Unique indexes (user id, workspace and project slug, environment
 * slug per project, membership per workspace and user) make it at most one row. Columns are
 * selected under a per-table prefix and handed to the same row mappers as the single-table reads.
 */

/** Every column of `T`, checked at compile time: adding a column to the table without listing it here fails the build. */
function columns<T>() {
  return <const C extends readonly (keyof T & string)[]>(cols: C & ([Exclude<keyof T, C[number]>] extends [never] ? unknown : never)) => cols;
}
const USER = columns<UsersTable>()(['id', 'email', 'name', 'external_id', 'created_at', 'updated_at']);
const WORKSPACE = columns<WorkspacesTable>()(['id', 'name', 'slug', 'description', 'plan_id', 'is_active', 'created_at', 'updated_at', 'deleted_at']);
const MEMBER = columns<Omit<WorkspaceMembersTable, 'role_id'>>()(['id', 'workspace_id', 'user_id', 'permissions', 'is_active', 'joined_at', 'created_at', 'updated_at']);
const PROJECT = columns<ProjectsTable>()([
  'id', 'workspace_id', 'user_id', 'name', 'slug', 'description', 'is_default', 'is_active', 'connected_cloud_id', 'created_at', 'updated_at', 'deleted_at',
]);
const ENVIRONMENT = columns<EnvironmentsTable>()(['id', 'project_id', 'name', 'slug', 'description', 'is_default', 'is_active', 'created_at', 'updated_at', 'deleted_at']);

/**
 * The user a scope query starts from, and the variant of the compiled statement that finds it:
 * `u.id = $1` or `u.external_id = $1` (both unique), so a host's id costs no extra round trip.
 * Null when the id cannot name a row.
 */
function userKey(d: RepoContext['d'], ref: UserRef): { column: 'u.id' | 'u.external_id'; value: number | string; suffix: '' | '.external' } | null {
  if (typeof ref === 'number') return idInRange(d, ref) ? { column: 'u.id', value: ref, suffix: '' } : null;
  return { column: 'u.external_id', value: ref.externalId, suffix: '.external' };
}

/** `table.col as prefix_col` for each column. */
const prefixed = (table: string, prefix: string, cols: readonly string[]) => cols.map((c) => `${table}.${c} as ${prefix}${c}`);

/** The columns under `prefix` as an unprefixed row, or null when the LEFT JOIN found nothing (its id is NULL). */
function part<T>(row: Record<string, unknown>, prefix: string, cols: readonly string[]): T | null {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return null;
  const out: Record<string, unknown> = {};
  for (const c of cols) out[c] = row[`${prefix}${c}`];
  return out as T;
}

export function createScopeRepo({ db, d, compiled }: RepoContext): ScopeRepo {
  const active = d.encodeBool(true);
  const memberPart = (row: Record<string, unknown>) => {
    const m = part<Omit<Selectable<WorkspaceMembersTable>, 'role_id'>>(row, 'm_', MEMBER);
    return m && memberFromRow(d, { ...m, role_code: row.r_code as string, user_email: row.u_email as string, user_name: row.u_name as string | null });
  };
  const userPart = (row: Record<string, unknown>) => {
    const u = part<Selectable<UsersTable>>(row, 'u_', USER);
    return u && userFromRow(d, u);
  };

  return {
    async workspaceScope(ref, workspaceSlug) {
      const key = userKey(d, ref);
      if (!key) return { user: null, workspace: null, member: null };
      const [row] = await compiled.rows(
        db,
        `scopes.workspace${key.suffix}`,
        (arg) =>
          db
            .selectFrom('users as u')
            .leftJoin('workspaces as w', (j) => j.on('w.slug', '=', arg<string>(1)).on('w.is_active', '=', active))
            .leftJoin('workspace_members as m', (j) => j.onRef('m.workspace_id', '=', 'w.id').onRef('m.user_id', '=', 'u.id').on('m.is_active', '=', active))
            .leftJoin('roles as r', 'r.id', 'm.role_id')
            .select([...prefixed('u', 'u_', USER), ...prefixed('w', 'w_', WORKSPACE), ...prefixed('m', 'm_', MEMBER), 'r.code as r_code'] as never[])
            .where(key.column, '=', arg<number | string>(0)),
        [key.value, workspaceSlug],
      );
      if (!row) return { user: null, workspace: null, member: null };
      const r = row as Record<string, unknown>;
      const workspace = part<Selectable<WorkspacesTable>>(r, 'w_', WORKSPACE);
      return { user: userPart(r), workspace: workspace && workspaceFromRow(d, workspace), member: memberPart(r) };
    },

    async projectScope(ref, projectSlug, environmentSlug) {
      const none = { user: null, project: null, workspace: null, member: null, environment: null };
      const key = userKey(d, ref);
      if (!key) return none;
      const withEnvironment = environmentSlug !== undefined;
      const [row] = await compiled.rows(
        db,
        `${withEnvironment ? 'scopes.environment' : 'scopes.project'}${key.suffix}`,
        (arg) => {
          const base = db
            .selectFrom('users as u')
            .leftJoin('projects as p', (j) => j.on('p.slug', '=', arg<string>(1)).on('p.is_active', '=', active))
            .leftJoin('workspaces as w', 'w.id', 'p.workspace_id')
            .leftJoin('workspace_members as m', (j) => j.onRef('m.workspace_id', '=', 'w.id').onRef('m.user_id', '=', 'u.id').on('m.is_active', '=', active))
            .leftJoin('roles as r', 'r.id', 'm.role_id')
            .select([...prefixed('u', 'u_', USER), ...prefixed('p', 'p_', PROJECT), ...prefixed('w', 'w_', WORKSPACE), ...prefixed('m', 'm_', MEMBER), 'r.code as r_code'] as never[])
            .where(key.column, '=', arg<number | string>(0));
          return withEnvironment
            ? base
                .leftJoin('environments as e', (j) => j.onRef('e.project_id', '=', 'p.id').on('e.slug', '=', arg<string>(2)).on('e.is_active', '=', active))
                .select(prefixed('e', 'e_', ENVIRONMENT) as never[])
            : base;
        },
        withEnvironment ? [key.value, projectSlug, environmentSlug] : [key.value, projectSlug],
      );
      if (!row) return none;
      const r = row as Record<string, unknown>;
      const project = part<Selectable<ProjectsTable>>(r, 'p_', PROJECT);
      const workspace = part<Selectable<WorkspacesTable>>(r, 'w_', WORKSPACE);
      const environment = withEnvironment ? part<Selectable<EnvironmentsTable>>(r, 'e_', ENVIRONMENT) : null;
      return {
        user: userPart(r),
        project: project && projectFromRow(d, project),
        workspace: workspace && workspaceFromRow(d, workspace),
        member: memberPart(r),
        environment: environment && environmentFromRow(d, environment),
      };
    },
  };
}
