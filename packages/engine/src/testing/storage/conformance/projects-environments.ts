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
}
