import { describe, expect, it } from 'vitest';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** projects.* and environments.*. */
export function describeProjectsAndEnvironments(ctx: StorageConformanceContext): void {
  async function base() {
    const f = fixtures(ctx.storage);
    const user = await f.user();
    const workspace = await f.workspace();
    return { f, user, workspace };
  }

  describe('projects.createProject', () => {
    it('stores an active, unlinked project', async () => {
      const { user, workspace } = await base();
      const p = await ctx.storage.projects.createProject({ workspaceId: workspace.id, userId: user.id, name: 'Web', slug: 'web', description: 'Site', isDefault: true, now: T0 });
      expect(p).toMatchObject({ workspaceId: workspace.id, userId: user.id, name: 'Web', slug: 'web', description: 'Site', isDefault: true, isActive: true, connectedCloudId: null, createdAt: T0, deletedAt: null });
      const row = await ctx.row('projects', p.id);
      expect([raw.num(row.workspace_id), raw.num(row.user_id), row.name, row.slug, row.description]).toEqual([workspace.id, user.id, 'Web', 'web', 'Site']);
      expect([raw.bool(row.is_default), raw.bool(row.is_active), row.connected_cloud_id, row.deleted_at]).toEqual([true, true, null, null]);
    });

    it('refuses a slug taken anywhere, even in another workspace: projects.slug', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      await f.project(workspace, user, 'global');
      await expectConflict(f.project(other, user, 'global'), 'projects.slug');
      expect(await ctx.rows('projects')).toHaveLength(1);
    });
  });

  describe('projects.getProjectBySlug', () => {
    it('finds an active project; null when missing', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user, 'find-me');
      expect(await ctx.storage.projects.getProjectBySlug('find-me')).toEqual(p);
      expect(await ctx.storage.projects.getProjectBySlug('missing')).toBeNull();
    });
  });

  describe('projects.getProjectById', () => {
    it('finds by id; null when missing', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      expect(await ctx.storage.projects.getProjectById(p.id)).toEqual(p);
      expect(await ctx.storage.projects.getProjectById(p.id + 1000)).toBeNull();
    });
  });

  describe('projects.countProjects', () => {
    it('counts the active projects of one workspace', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      await f.project(workspace, user);
      await f.project(workspace, user);
      await f.project(other, user);
      expect(await ctx.storage.projects.countProjects(workspace.id)).toBe(2);
      expect(await ctx.storage.projects.countProjects(other.id)).toBe(1);
      expect(await ctx.storage.projects.countProjects(workspace.id + 1000)).toBe(0);
    });
  });

  describe('projects.setProjectConnection', () => {
    it('links and unlinks, stamping updated_at', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const c = await f.connection(workspace, user);
      const linked = await ctx.storage.projects.setProjectConnection({ projectId: p.id, connectionId: c.id, now: at(1) });
      expect(linked).toMatchObject({ id: p.id, connectedCloudId: c.id, updatedAt: at(1) });
      let row = await ctx.row('projects', p.id);
      expect(raw.num(row.connected_cloud_id)).toBe(c.id);
      expect(raw.time(row.updated_at)).toBe(at(1).getTime());
      const unlinked = await ctx.storage.projects.setProjectConnection({ projectId: p.id, connectionId: null, now: at(2) });
      expect(unlinked.connectedCloudId).toBeNull();
      row = await ctx.row('projects', p.id);
      expect(row.connected_cloud_id).toBeNull();
    });
  });

  describe('projects.unlinkConnection', () => {
    it('unlinks every project of the connection and returns how many', async () => {
      const { f, user, workspace } = await base();
      const c = await f.connection(workspace, user);
      const other = await f.connection(workspace, user);
      const [p1, p2, p3] = [await f.project(workspace, user), await f.project(workspace, user), await f.project(workspace, user)];
      await ctx.storage.projects.setProjectConnection({ projectId: p1.id, connectionId: c.id, now: T0 });
      await ctx.storage.projects.setProjectConnection({ projectId: p2.id, connectionId: c.id, now: T0 });
      await ctx.storage.projects.setProjectConnection({ projectId: p3.id, connectionId: other.id, now: T0 });
      expect(await ctx.storage.projects.unlinkConnection({ connectionId: c.id, now: at(1) })).toBe(2);
      const rows = await ctx.rows('projects');
      expect(rows.map((r) => raw.num(r.connected_cloud_id))).toEqual([null, null, other.id]);
      expect(await ctx.storage.projects.unlinkConnection({ connectionId: c.id, now: at(2) })).toBe(0);
    });
  });

  describe('projects.listProjectsWithActiveResources', () => {
    it('lists linked projects holding an active resource, ordered by name', async () => {
      const { f, user, workspace } = await base();
      const c = await f.connection(workspace, user);
      const mk = async (name: string, link: number | null, resources: 'active' | 'deleted' | 'none') => {
        const p = await ctx.storage.projects.createProject({ workspaceId: workspace.id, userId: user.id, name, slug: `${name.toLowerCase()}-${workspace.id}`, description: null, isDefault: false, now: T0 });
        if (link !== null) await ctx.storage.projects.setProjectConnection({ projectId: p.id, connectionId: link, now: T0 });
        if (resources !== 'none') {
          const environment = await f.environment(p);
          const r = await f.resource({ workspace, project: p, environment, user });
          if (resources === 'deleted') await ctx.storage.resources.softDeleteResource(r.id, at(1));
        }
        return p;
      };
      const zeta = await mk('Zeta', c.id, 'active');
      await mk('Empty', c.id, 'none');
      const alpha = await mk('Alpha', c.id, 'active');
      await mk('Gone', c.id, 'deleted');
      await mk('Unlinked', null, 'active');
      expect((await ctx.storage.projects.listProjectsWithActiveResources(c.id)).map((p) => p.id)).toEqual([alpha.id, zeta.id]);
      expect(await ctx.storage.projects.listProjectsWithActiveResources(c.id + 1000)).toEqual([]);
    });
  });

  describe('projects.listProjects', () => {
    it('lists the active projects of one workspace, id ascending', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      const b = await f.project(workspace, user, `b-${workspace.id}`);
      const a = await f.project(workspace, user, `a-${workspace.id}`);
      const gone = await f.project(workspace, user);
      await f.project(other, user);
      await ctx.storage.projects.softDeleteProject({ projectId: gone.id, now: at(1) });
      expect(await ctx.storage.projects.listProjects(workspace.id, { limit: 100 })).toEqual([b, a]);
      expect(await ctx.storage.projects.listProjects(workspace.id + 1000, { limit: 100 })).toEqual([]);
    });
  });

  describe('projects.updateProject', () => {
    it('sets the fields given, never the slug, and stamps updated_at', async () => {
      const { f, user, workspace } = await base();
      const p = await ctx.storage.projects.createProject({ workspaceId: workspace.id, userId: user.id, name: 'Web', slug: `web-${workspace.id}`, description: 'Site', isDefault: true, now: T0 });
      const renamed = await ctx.storage.projects.updateProject({ projectId: p.id, name: 'Website', now: at(1) });
      expect(renamed).toEqual({ ...p, name: 'Website', updatedAt: at(1) });
      let row = await ctx.row('projects', p.id);
      expect([row.name, row.slug, row.description, raw.time(row.updated_at)]).toEqual(['Website', p.slug, 'Site', at(1).getTime()]);
      const cleared = await ctx.storage.projects.updateProject({ projectId: p.id, description: null, now: at(2) });
      expect(cleared).toMatchObject({ name: 'Website', description: null, updatedAt: at(2) });
      row = await ctx.row('projects', p.id);
      expect([row.name, row.description]).toEqual(['Website', null]);
      const other = await f.project(workspace, user);
      expect(await ctx.row('projects', other.id)).toMatchObject({ name: other.name });
    });

    it('is null for a deleted or missing project and writes nothing', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      await ctx.storage.projects.softDeleteProject({ projectId: p.id, now: at(1) });
      expect(await ctx.storage.projects.updateProject({ projectId: p.id, name: 'Back', now: at(2) })).toBeNull();
      expect((await ctx.row('projects', p.id)).name).toBe(p.name);
      expect(await ctx.storage.projects.updateProject({ projectId: p.id + 1000, name: 'x', now: at(2) })).toBeNull();
      expect(await ctx.storage.projects.updateProject({ projectId: 2 ** 40, name: 'x', now: at(2) })).toBeNull();
    });
  });

  describe('projects.softDeleteProject', () => {
    it('deactivates the project and its environments, unlinks it, keeps its slug taken', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user, `gone-${workspace.id}`);
      const keep = await f.project(workspace, user);
      const c = await f.connection(workspace, user);
      await ctx.storage.projects.setProjectConnection({ projectId: p.id, connectionId: c.id, now: T0 });
      const e1 = await f.environment(p);
      const e2 = await f.environment(p);
      await ctx.storage.environments.softDeleteEnvironment({ environmentId: e2.id, now: T0 });
      const kept = await f.environment(keep);
      expect(await ctx.storage.projects.softDeleteProject({ projectId: p.id, now: at(3) })).toBe(true);
      const row = await ctx.row('projects', p.id);
      expect([raw.bool(row.is_active), raw.time(row.deleted_at), raw.time(row.updated_at), row.connected_cloud_id]).toEqual([false, at(3).getTime(), at(3).getTime(), null]);
      const e1Row = await ctx.row('environments', e1.id);
      expect([raw.bool(e1Row.is_active), raw.time(e1Row.deleted_at)]).toEqual([false, at(3).getTime()]);
      // Already deleted before: keeps its own deletion time.
      expect(raw.time((await ctx.row('environments', e2.id)).deleted_at)).toBe(T0.getTime());
      expect(raw.bool((await ctx.row('environments', kept.id)).is_active)).toBe(true);
      expect(raw.bool((await ctx.row('projects', keep.id)).is_active)).toBe(true);
      expect(await ctx.storage.projects.getProjectBySlug(p.slug)).toBeNull();
      expect(await ctx.storage.projects.countProjects(workspace.id)).toBe(1);
      expect(await ctx.storage.projects.slugVacancy(p.slug)).toMatchObject({ baseFree: false });
      await expectConflict(f.project(workspace, user, p.slug), 'projects.slug');
      expect(await ctx.storage.projects.softDeleteProject({ projectId: p.id, now: at(4) })).toBe(false);
      expect(raw.time((await ctx.row('projects', p.id)).deleted_at)).toBe(at(3).getTime());
      expect(await ctx.storage.projects.softDeleteProject({ projectId: 2 ** 40, now: at(4) })).toBe(false);
    });

    it('lets exactly one of two concurrent deletes win', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const results = await Promise.all([1, 2].map((m) => ctx.storage.transaction((tx) => tx.projects.softDeleteProject({ projectId: p.id, now: at(m) }))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('environments.createEnvironment', () => {
    it('stores an active environment of the project', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const e = await ctx.storage.environments.createEnvironment({ projectId: p.id, name: 'Master', slug: 'master', description: null, isDefault: true, now: T0 });
      expect(e).toMatchObject({ projectId: p.id, name: 'Master', slug: 'master', description: null, isDefault: true, isActive: true, createdAt: T0, deletedAt: null });
      const row = await ctx.row('environments', e.id);
      expect([raw.num(row.project_id), row.slug, raw.bool(row.is_default), raw.bool(row.is_active)]).toEqual([p.id, 'master', true, true]);
    });

    it('refuses a duplicate slug within the project only: environments.slug', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const q = await f.project(workspace, user);
      await f.environment(p, 'prod');
      await expectConflict(f.environment(p, 'prod'), 'environments.slug');
      await expect(f.environment(q, 'prod')).resolves.toMatchObject({ slug: 'prod', projectId: q.id });
      expect(await ctx.rows('environments')).toHaveLength(2);
    });
  });

  describe('environments.getEnvironmentBySlug', () => {
    it('finds within the project; null elsewhere or when missing', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const q = await f.project(workspace, user);
      const e = await f.environment(p, 'staging');
      expect(await ctx.storage.environments.getEnvironmentBySlug(p.id, 'staging')).toEqual(e);
      expect(await ctx.storage.environments.getEnvironmentBySlug(q.id, 'staging')).toBeNull();
      expect(await ctx.storage.environments.getEnvironmentBySlug(p.id, 'nope')).toBeNull();
    });
  });

  describe('environments.listEnvironments', () => {
    it('lists the project environments, id ascending', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const q = await f.project(workspace, user);
      const b = await f.environment(p, 'b');
      const a = await f.environment(p, 'a');
      await f.environment(q, 'c');
      expect((await ctx.storage.environments.listEnvironments(p.id, { limit: 100 })).map((e) => e.id)).toEqual([b.id, a.id]);
      expect(await ctx.storage.environments.listEnvironments(p.id + 1000, { limit: 100 })).toEqual([]);
    });
  });

  describe('environments.countEnvironments', () => {
    it('counts the environments of one project', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      await f.environment(p);
      await f.environment(p);
      expect(await ctx.storage.environments.countEnvironments(p.id)).toBe(2);
      expect(await ctx.storage.environments.countEnvironments(p.id + 1000)).toBe(0);
    });
  });

  describe('environments.maxEnvironmentsPerProject', () => {
    it('is the largest environment count of any project of the workspace, 0 when none', async () => {
      const { f, user, workspace } = await base();
      const other = await f.workspace();
      expect(await ctx.storage.environments.maxEnvironmentsPerProject(workspace.id)).toBe(0);
      const p = await f.project(workspace, user);
      const q = await f.project(workspace, user);
      const r = await f.project(other, user);
      await f.environment(p);
      for (let i = 0; i < 3; i++) await f.environment(q);
      for (let i = 0; i < 5; i++) await f.environment(r);
      expect(await ctx.storage.environments.maxEnvironmentsPerProject(workspace.id)).toBe(3);
      expect(await ctx.storage.environments.maxEnvironmentsPerProject(other.id)).toBe(5);
    });
  });

  describe('environments.softDeleteEnvironment', () => {
    it('deactivates one environment and keeps its slug taken within the project', async () => {
      const { f, user, workspace } = await base();
      const p = await f.project(workspace, user);
      const e = await f.environment(p, 'staging');
      const other = await f.environment(p, 'prod');
      expect(await ctx.storage.environments.softDeleteEnvironment({ environmentId: e.id, now: at(2) })).toBe(true);
      const row = await ctx.row('environments', e.id);
      expect([raw.bool(row.is_active), raw.time(row.deleted_at), raw.time(row.updated_at)]).toEqual([false, at(2).getTime(), at(2).getTime()]);
      expect(raw.bool((await ctx.row('environments', other.id)).is_active)).toBe(true);
      expect(await ctx.storage.environments.getEnvironmentBySlug(p.id, 'staging')).toBeNull();
      expect((await ctx.storage.environments.listEnvironments(p.id, { limit: 10 })).map((x) => x.id)).toEqual([other.id]);
      expect(await ctx.storage.environments.countEnvironments(p.id)).toBe(1);
      expect(await ctx.storage.environments.slugVacancy(p.id, 'staging')).toMatchObject({ baseFree: false });
      await expectConflict(f.environment(p, 'staging'), 'environments.slug');
      expect(await ctx.storage.environments.softDeleteEnvironment({ environmentId: e.id, now: at(3) })).toBe(false);
      expect(await ctx.storage.environments.softDeleteEnvironment({ environmentId: 2 ** 40, now: at(3) })).toBe(false);
    });
  });
}
