import { describe, expect, it } from 'vitest';
import type { StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** `slugVacancy` of workspaces, projects and environments: one answer however many numbered slugs exist. */
export function describeSlugVacancy(ctx: StorageConformanceContext): void {
  describe('workspaces/projects/environments.slugVacancy', () => {
    it('reports a free base and suffix 1 when nothing is taken', async () => {
      const f = fixtures(ctx.storage);
      const { project } = await f.scope();
      expect(await ctx.storage.workspaces.slugVacancy('nothing-here')).toEqual({ baseFree: true, firstFreeSuffix: 1 });
      expect(await ctx.storage.projects.slugVacancy('nothing-here')).toEqual({ baseFree: true, firstFreeSuffix: 1 });
      expect(await ctx.storage.environments.slugVacancy(project.id, 'nothing-here')).toEqual({ baseFree: true, firstFreeSuffix: 1 });
    });

    it('finds the first gap among base-N, ignoring look-alikes that are not base-<digits>', async () => {
      const f = fixtures(ctx.storage);
      for (const slug of ['acme', 'acme-1', 'acme-2', 'acme-3', 'acme-5', 'acme-04', 'acme-x', 'acme-4x', 'acmex-4', 'acme-1-4', 'other-4']) await f.workspace(slug);
      expect(await ctx.storage.workspaces.slugVacancy('acme')).toEqual({ baseFree: false, firstFreeSuffix: 4 });
      await f.workspace('acme-4');
      expect(await ctx.storage.workspaces.slugVacancy('acme')).toEqual({ baseFree: false, firstFreeSuffix: 6 });
      expect(await ctx.storage.workspaces.slugVacancy('acme-1')).toEqual({ baseFree: false, firstFreeSuffix: 1 });
      await f.workspace('acme-1-1');
      expect(await ctx.storage.workspaces.slugVacancy('acme-1')).toEqual({ baseFree: false, firstFreeSuffix: 2 });
    });

    it('skips a taken suffix whatever its size, and a free base with taken numbers still reports them', async () => {
      const f = fixtures(ctx.storage);
      for (const slug of ['big-1', 'big-2', 'big-999999999', 'big-1000000000']) await f.workspace(slug);
      expect(await ctx.storage.workspaces.slugVacancy('big')).toEqual({ baseFree: true, firstFreeSuffix: 3 });
      await f.workspace('big-3');
      await f.workspace('big-4');
      expect(await ctx.storage.workspaces.slugVacancy('big')).toEqual({ baseFree: true, firstFreeSuffix: 5 });
    });

    it('projects count soft-deleted rows too (slugs are global)', async () => {
      const f = fixtures(ctx.storage);
      const user = await f.user();
      const a = await f.workspace();
      const b = await f.workspace();
      await f.project(a, user, 'shop');
      await f.project(b, user, 'shop-1');
      expect(await ctx.storage.projects.slugVacancy('shop')).toEqual({ baseFree: false, firstFreeSuffix: 2 });
    });

    it('environments are scoped to their project', async () => {
      const f = fixtures(ctx.storage);
      const { project, workspace, user } = await f.scope();
      const other = await f.project(workspace, user);
      await f.environment(project, 'dev');
      await f.environment(project, 'dev-1');
      await f.environment(other, 'dev-2');
      expect(await ctx.storage.environments.slugVacancy(project.id, 'dev')).toEqual({ baseFree: false, firstFreeSuffix: 2 });
      expect(await ctx.storage.environments.slugVacancy(other.id, 'dev')).toEqual({ baseFree: true, firstFreeSuffix: 1 });
    });
  });
}
