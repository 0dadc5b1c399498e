import { SYSTEM_ROLES } from '../../../domain/permissions.js';
import type { EnvironmentRepo, MemberRepo, PlanRepo, ProjectRepo, UserRepo, WorkspaceRepo } from '../../../ports/storage.js';
import { insertRow, updateRow } from './constraints.js';
import { byCodeUnits, toEnvironment, toMember, toPlan, toProject, toUser, toWorkspace } from './map.js';
import type { Db } from './rows.js';
import type { Run } from './run.js';
import { slugVacancyAmong } from './slug-vacancy.js';
import { pageById } from './id-page.js';

function roleId(code: string): number {
  const role = SYSTEM_ROLES.find((r) => r.code === code);
  if (!role) throw new Error(`unknown role ${code}`);
  return role.id;
}

function mustExist<T>(row: T | null, what: string): T {
  if (row === null) throw new Error(`${what} does not exist`);
  return row;
}

export function createUserRepo(run: Run): UserRepo {
  return {
    createUser: ({ email, name, externalId, now }) =>
      run((db) => toUser(insertRow(db, 'users', { email: email.toLowerCase(), name, external_id: externalId ?? null, created_at: now, updated_at: now }))),
    getUserById: (id) =>
      run((db) => {
        const row = db.tables.users.find((u) => u.id === id);
        return row ? toUser(row) : null;
      }),
    getUserByEmail: (email) =>
      run((db) => {
        const row = db.tables.users.find((u) => u.email === email.toLowerCase());
        return row ? toUser(row) : null;
      }),
    getUserByExternalId: (externalId) =>
      run((db) => {
        const row = db.tables.users.find((u) => u.external_id === externalId);
        return row ? toUser(row) : null;
      }),
    updateUser: (id, patch, now) =>
      run((db) => {
        const changes = {
          ...(patch.email === undefined ? {} : { email: patch.email.toLowerCase() }),
          ...(patch.name === undefined ? {} : { name: patch.name }),
          updated_at: now,
        };
        return toUser(mustExist(updateRow(db, 'users', id, changes), `user ${id}`));
      }),
  };
}

export function createPlanRepo(run: Run): PlanRepo {
  return {
    getPlanById: (id) =>
      run((db) => {
        const row = db.tables.plans.find((p) => p.id === id);
        return row ? toPlan(row) : null;
      }),
    getPlanBySlug: (slug) =>
      run((db) => {
        const row = db.tables.plans.find((p) => p.slug === slug);
        return row ? toPlan(row) : null;
      }),
  };
}

export function createWorkspaceRepo(run: Run): WorkspaceRepo {
  return {
    createWorkspace: ({ name, slug, description, planId, now }) =>
      run((db) =>
        toWorkspace(
          insertRow(db, 'workspaces', {
            name,
            slug,
            description,
            plan_id: planId,
            is_active: true,
            created_at: now,
            updated_at: now,
            deleted_at: null,
          }),
        ),
      ),
    getWorkspaceBySlug: (slug) =>
      run((db) => {
        const row = db.tables.workspaces.find((w) => w.slug === slug && w.is_active);
        return row ? toWorkspace(row) : null;
      }),
    getWorkspaceById: (id) =>
      run((db) => {
        const row = db.tables.workspaces.find((w) => w.id === id);
        return row ? toWorkspace(row) : null;
      }),
    setWorkspacePlan: ({ workspaceId, planId, now }) =>
      run((db) => {
        updateRow(db, 'workspaces', workspaceId, { plan_id: planId, updated_at: now });
      }),
    slugVacancy: (base) => run((db) => slugVacancyAmong(db.tables.workspaces, base)),
  };
}

function activeMember(db: Db, workspaceId: number, userId: number) {
  return db.tables.workspace_members.find((m) => m.workspace_id === workspaceId && m.user_id === userId && m.is_active) ?? null;
}

export function createMemberRepo(run: Run): MemberRepo {
  return {
    addMember: ({ workspaceId, userId, role, permissions, now }) =>
      run((db) => {
        const existing = db.tables.workspace_members.find((m) => m.workspace_id === workspaceId && m.user_id === userId);
        if (existing && !existing.is_active) {
          const row = updateRow(db, 'workspace_members', existing.id, {
            role_id: roleId(role),
            permissions: permissions === null ? null : structuredClone(permissions),
            is_active: true,
            joined_at: now,
            updated_at: now,
          });
          return toMember(db, mustExist(row, 'member'));
        }
        const row = insertRow(db, 'workspace_members', {
          workspace_id: workspaceId,
          user_id: userId,
          role_id: roleId(role),
          permissions: permissions === null ? null : structuredClone(permissions),
          is_active: true,
          joined_at: now,
          created_at: now,
          updated_at: now,
        });
        return toMember(db, row);
      }),
    getMember: (workspaceId, userId) =>
      run((db) => {
        const row = activeMember(db, workspaceId, userId);
        return row ? toMember(db, row) : null;
      }),
    listMembers: (workspaceId, page) =>
      run((db) => pageById(db.tables.workspace_members.filter((m) => m.workspace_id === workspaceId && m.is_active), page).map((m) => toMember(db, m))),
    setMemberRole: ({ workspaceId, userId, role, now }) =>
      run((db) => {
        const row = activeMember(db, workspaceId, userId);
        if (!row) return null;
        return toMember(db, mustExist(updateRow(db, 'workspace_members', row.id, { role_id: roleId(role), updated_at: now }), 'member'));
      }),
    removeMember: ({ workspaceId, userId, now }) =>
      run((db) => {
        const row = activeMember(db, workspaceId, userId);
        if (!row) return false;
        updateRow(db, 'workspace_members', row.id, { is_active: false, updated_at: now });
        return true;
      }),
    countMembers: (workspaceId, options) =>
      run(
        (db) =>
          db.tables.workspace_members.filter(
            (m) => m.workspace_id === workspaceId && m.is_active && (options?.role === undefined || m.role_id === roleId(options.role)),
          ).length,
      ),
  };
}

export function createProjectRepo(run: Run): ProjectRepo {
  return {
    createProject: ({ workspaceId, userId, name, slug, description, isDefault, now }) =>
      run((db) =>
        toProject(
          insertRow(db, 'projects', {
            workspace_id: workspaceId,
            user_id: userId,
            name,
            slug,
            description,
            is_default: isDefault,
            is_active: true,
            connected_cloud_id: null,
            created_at: now,
            updated_at: now,
            deleted_at: null,
          }),
        ),
      ),
    getProjectBySlug: (slug) =>
      run((db) => {
        const row = db.tables.projects.find((p) => p.slug === slug && p.is_active);
        return row ? toProject(row) : null;
      }),
    getProjectById: (id) =>
      run((db) => {
        const row = db.tables.projects.find((p) => p.id === id);
        return row ? toProject(row) : null;
      }),
    slugVacancy: (base) => run((db) => slugVacancyAmong(db.tables.projects, base)),
    countProjects: (workspaceId) => run((db) => db.tables.projects.filter((p) => p.workspace_id === workspaceId && p.is_active).length),
    setProjectConnection: ({ projectId, connectionId, now }) =>
      run((db) => toProject(mustExist(updateRow(db, 'projects', projectId, { connected_cloud_id: connectionId, updated_at: now }), `project ${projectId}`))),
    unlinkConnection: ({ connectionId, now }) =>
      run((db) => {
        const linked = db.tables.projects.filter((p) => p.connected_cloud_id === connectionId);
        for (const p of linked) updateRow(db, 'projects', p.id, { connected_cloud_id: null, updated_at: now });
        return linked.length;
      }),
    listProjectsWithActiveResources: (connectionId) =>
      run((db) =>
        db.tables.projects
          .filter(
            (p) =>
              p.is_active &&
              p.connected_cloud_id === connectionId &&
              db.tables.resources.some((r) => r.project_id === p.id && r.is_active),
          )
          .sort((a, b) => byCodeUnits(a.name, b.name) || a.id - b.id)
          .map(toProject),
      ),
  };
}

export function createEnvironmentRepo(run: Run): EnvironmentRepo {
  const active = (db: Db, projectId: number) => db.tables.environments.filter((e) => e.project_id === projectId && e.is_active);
  return {
    createEnvironment: ({ projectId, name, slug, description, isDefault, now }) =>
      run((db) =>
        toEnvironment(
          insertRow(db, 'environments', {
            project_id: projectId,
            name,
            slug,
            description,
            is_default: isDefault,
            is_active: true,
            created_at: now,
            updated_at: now,
            deleted_at: null,
          }),
        ),
      ),
    getEnvironmentBySlug: (projectId, slug) =>
      run((db) => {
        const row = active(db, projectId).find((e) => e.slug === slug);
        return row ? toEnvironment(row) : null;
      }),
    slugVacancy: (projectId, base) => run((db) => slugVacancyAmong(db.tables.environments.filter((e) => e.project_id === projectId), base)),
    listEnvironments: (projectId, page) => run((db) => pageById(active(db, projectId), page).map(toEnvironment)),
    countEnvironments: (projectId) => run((db) => active(db, projectId).length),
    maxEnvironmentsPerProject: (workspaceId) =>
      run((db) =>
        db.tables.projects
          .filter((p) => p.workspace_id === workspaceId && p.is_active)
          .reduce((max, p) => Math.max(max, active(db, p.id).length), 0),
      ),
  };
}
