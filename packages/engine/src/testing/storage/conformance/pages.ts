import { describe, expect, it } from 'vitest';
import type { IdPage } from '../../../ports/storage.js';
import { T0, at, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/**
 * Keyset pages of every list method: `{ after?, limit }` returns rows with `id > after`, `id`
 * ascending, at most `limit`; walking the pages yields each row exactly once; an `after` beyond any
 * id (even beyond the id column's range) is an empty page. Plus the filters pages are built on.
 */
export function describeListPages(ctx: StorageConformanceContext): void {
  /** Every id, walked page by page with `limit`, and how many reads it took. */
  async function walk(read: (page: IdPage) => Promise<{ id: number }[]>, limit: number): Promise<{ ids: number[]; reads: number }> {
    const ids: number[] = [];
    let after: number | undefined;
    let reads = 0;
    for (;;) {
      const rows = await read(after === undefined ? { limit } : { after, limit });
      reads++;
      expect(rows.length).toBeLessThanOrEqual(limit);
      ids.push(...rows.map((r) => r.id));
      if (rows.length < limit) return { ids, reads };
      after = rows[rows.length - 1]!.id;
    }
  }
  const ascending = (ids: number[]) => [...ids].sort((a, b) => a - b);
  const BEYOND = 2 ** 40;

  describe('list pages (keyset by id)', () => {
    it('members, environments, connections, resources, projects and workspaces of a user page by id, each row once', async () => {
      const f = fixtures(ctx.storage);
      const { user, workspace, project, environment } = await f.scope();
      const other = await f.scope();
      const users = [user];
      for (let i = 0; i < 6; i++) users.push(await f.user());
      for (const u of users) await ctx.storage.members.addMember({ workspaceId: workspace.id, userId: u.id, role: 'member', permissions: null, now: T0 });
      await ctx.storage.members.addMember({ workspaceId: other.workspace.id, userId: user.id, role: 'owner', permissions: null, now: T0 });
      for (let i = 0; i < 6; i++) await f.environment(project);
      await f.environment(other.project);
      for (let i = 0; i < 7; i++) await f.connection(workspace, user);
      await f.connection(other.workspace, user);
      for (let i = 0; i < 7; i++) await f.resource({ user, workspace, project, environment });
      await f.resource(other);
      for (let i = 0; i < 6; i++) await f.project(workspace, user);
      for (let i = 0; i < 6; i++) {
        const w = await f.workspace();
        await ctx.storage.members.addMember({ workspaceId: w.id, userId: user.id, role: 'viewer', permissions: null, now: T0 });
      }

      const cases: [string, (page: IdPage) => Promise<{ id: number }[]>][] = [
        ['members', (page) => ctx.storage.members.listMembers(workspace.id, page)],
        ['environments', (page) => ctx.storage.environments.listEnvironments(project.id, page)],
        ['connections', (page) => ctx.storage.connections.listConnections(workspace.id, {}, page)],
        ['resources', (page) => ctx.storage.resources.listResources(environment.id, {}, page)],
        ['projects', (page) => ctx.storage.projects.listProjects(workspace.id, page)],
        ['workspaces of a user', (page) => ctx.storage.workspaces.listWorkspacesOfUser(user.id, page)],
      ];
      for (const [name, read] of cases) {
        const all = (await read({ limit: 1000 })).map((r) => r.id);
        expect(all.length, name).toBeGreaterThanOrEqual(6);
        expect(all, name).toEqual(ascending(all));
        const paged = await walk(read, 3);
        expect(paged.ids, name).toEqual(all);
        expect(paged.reads, name).toBe(Math.floor(all.length / 3) + 1);
        expect(await read({ after: all[1]!, limit: 2 }), name).toEqual((await read({ limit: 1000 })).slice(2, 4));
        expect(await read({ after: all[all.length - 1]!, limit: 5 }), name).toEqual([]);
        expect(await read({ after: BEYOND, limit: 5 }), name).toEqual([]);
      }
    });

    it('connections filter by exact account name; resources by metadata.state only where it is a string', async () => {
      const f = fixtures(ctx.storage);
      const s = await f.scope();
      const named = await f.connection(s.workspace, s.user, { accountName: 'Prod' });
      await f.connection(s.workspace, s.user, { accountName: 'prod' });
      await f.connection(s.workspace, s.user);
      expect((await ctx.storage.connections.listConnections(s.workspace.id, { accountName: 'Prod' }, { limit: 2 })).map((c) => c.id)).toEqual([named.id]);

      const running = await f.resource(s, { type: 'instance', domainName: null });
      const stopped = await f.resource(s, { type: 'instance', domainName: null });
      const numeric = await f.resource(s, { type: 'instance', domainName: null });
      await ctx.storage.resources.updateResource(running.id, { metadata: { state: 'running' } }, at(1));
      await ctx.storage.resources.updateResource(stopped.id, { metadata: { state: 'stopped' } }, at(1));
      await ctx.storage.resources.updateResource(numeric.id, { metadata: { state: 1 } }, at(1));
      const ids = async (state: string) => (await ctx.storage.resources.listResources(s.environment.id, { state }, { limit: 10 })).map((r) => r.id);
      expect(await ids('running')).toEqual([running.id]);
      expect(await ids('1')).toEqual([]);
      expect(await ids("x' OR '1'='1")).toEqual([]);
    });
  });
}
