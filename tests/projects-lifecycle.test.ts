import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestServer, trpcFailure, type TestServer } from './harness/index.js';

/**
 * The lists and lifecycle writes of workspaces, projects and environments (docs/access.md,
 * README "REST routes"): `GET /workspaces`, `GET /workspaces/:ws/projects`, `PATCH` and `DELETE
 * /projects/:p`, `DELETE /projects/:p/environments/:e`, over REST and tRPC on SQLite and Postgres.
 */
describeBackends('workspace and project lists, project rename/delete, environment delete', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ backend });
  });
  afterAll(() => server.close());

  type User = Awaited<ReturnType<TestServer['createUser']>>;
  let serial = 0;
  /** A user owning a new workspace on the unlimited plan, with its default project; slugs returned. */
  async function team(prefix: string) {
    const owner = await server.createUser(`${prefix}-owner-${++serial}@example.com`, 'Owner');
    const ws = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: `${prefix} team` } });
    expect(ws.status).toBe(201);
    const workspaceSlug = ws.body.data.slug as string;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 4, now: new Date() });
    const first = await server.rest('POST', `/api/workspaces/${workspaceSlug}/projects`, { token: owner.token, body: { name: `${prefix} default` } });
    expect(first.body.data.isDefault).toBe(true);
    return { owner, workspaceSlug, workspaceId: ws.body.data.id as number, defaultSlug: first.body.data.slug as string };
  }
  async function member(workspaceSlug: string, owner: User, role: string): Promise<User> {
    const user = await server.createUser(`${role}-${++serial}@example.com`);
    expect((await server.rest('POST', `/api/workspaces/${workspaceSlug}/members`, { token: owner.token, body: { email: user.email, role } })).status).toBe(201);
    return user;
  }
  async function project(workspaceSlug: string, owner: User, name: string): Promise<string> {
    const res = await server.rest('POST', `/api/workspaces/${workspaceSlug}/projects`, { token: owner.token, body: { name } });
    expect(res.status).toBe(201);
    return res.body.data.slug as string;
  }
  /** Walk a list over REST page by page; every page body is also compared with tRPC's answer to the same input. */
  async function walk(path: string, token: string, limit: number, trpcPage: (input: { limit: number; cursor?: string }) => Promise<unknown>) {
    const bodies: { data: Record<string, unknown>[]; nextCursor: string | null; count: number }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await server.rest('GET', `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(res.status).toBe(200);
      expect(await trpcPage(cursor ? { limit, cursor } : { limit })).toEqual(res.body);
      bodies.push(res.body);
      if (res.body.nextCursor === null) return bodies;
      cursor = res.body.nextCursor as string;
    }
  }
  const audit = async (workspaceId: number, operation: string) =>
    (await server.peek.rows('audit_log')).filter((r) => Number(r.workspace_id) === workspaceId && r.operation === operation).map((r) => [r.outcome, r.error]);

  it("GET /workspaces: the caller's active memberships with their role, paged, the same over tRPC", async () => {
    const ann = await server.createUser(`ann-${++serial}@example.com`);
    const own: string[] = [];
    for (const name of ['Alpha', 'Beta', 'Gamma']) own.push((await server.rest('POST', '/api/workspaces', { token: ann.token, body: { name } })).body.data.slug as string);
    const other = await team('other');
    await server.rest('POST', `/api/workspaces/${other.workspaceSlug}/members`, { token: other.owner.token, body: { email: ann.email, role: 'viewer' } });
    const left = await team('left');
    await server.rest('POST', `/api/workspaces/${left.workspaceSlug}/members`, { token: left.owner.token, body: { email: ann.email, role: 'dev' } });
    expect((await server.rest('DELETE', `/api/workspaces/${left.workspaceSlug}/members/${ann.id}`, { token: left.owner.token })).status).toBe(200);

    const trpc = server.trpcClient(ann.token);
    const pages = await walk('/api/workspaces', ann.token, 2, (input) => trpc.workspaces.list.query(input));
    expect(pages.map((p) => p.count)).toEqual([2, 2]);
    const rows = pages.flatMap((p) => p.data);
    expect(rows.map((w) => [w.slug, w.userRole])).toEqual([...own.map((slug) => [slug, 'owner']), [other.workspaceSlug, 'viewer']]);
    expect(rows[0]).toMatchObject({ name: 'Alpha', isActive: true, profileImage: null, planId: 1 });
    expect(await server.rest('GET', '/api/workspaces', { token: ann.token })).toMatchObject({ status: 200, body: { message: 'Workspaces retrieved successfully', count: 4, nextCursor: null } });

    // A user with no workspace gets an empty list; no token is 401; a cursor is bound to its user.
    const nobody = await server.createUser(`nobody-${++serial}@example.com`);
    expect((await server.rest('GET', '/api/workspaces', { token: nobody.token })).body).toEqual({ message: 'Workspaces retrieved successfully', count: 0, data: [], nextCursor: null });
    expect(await server.trpcClient(nobody.token).workspaces.list.query()).toEqual({ message: 'Workspaces retrieved successfully', count: 0, data: [], nextCursor: null });
    expect(await server.rest('GET', '/api/workspaces')).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
    const cursor = pages[0]!.nextCursor!;
    const refused = await server.rest('GET', `/api/workspaces?cursor=${cursor}`, { token: nobody.token });
    expect(refused).toMatchObject({ status: 400, body: { error: 'Validation failed', message: 'cursor: is not a cursor of this list' } });
    expect(await trpcFailure(server.trpcClient(nobody.token).workspaces.list.query({ cursor }))).toEqual(refused.body);
    expect(await server.rest('GET', '/api/workspaces?limit=0', { token: ann.token })).toMatchObject({ status: 400, body: { error: 'Validation failed' } });
  });

  it('GET /workspaces/:ws/projects: active projects, paged, members only, linked connection included', async () => {
    const t = await team('list');
    const viewer = await member(t.workspaceSlug, t.owner, 'viewer');
    const slugs = [t.defaultSlug];
    for (let i = 0; i < 4; i++) slugs.push(await project(t.workspaceSlug, t.owner, `List project ${i}`));
    // A connected cloud connection linked to one project shows as its connectedCloud.
    const connection = await server.storage.connections.createConnection({ workspaceId: t.workspaceId, provider: 'aws', createdBy: t.owner.id, region: 'us-east-1', accountName: 'Prod', now: new Date() });
    await server.storage.connections.updateConnection(connection.id, { status: 'connected', accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/cl' }, new Date());
    const linked = await server.storage.projects.getProjectBySlug(slugs[2]!);
    await server.storage.projects.setProjectConnection({ projectId: linked!.id, connectionId: connection.id, now: new Date() });
    expect((await server.rest('DELETE', `/api/projects/${slugs[3]}`, { token: t.owner.token })).status).toBe(200);

    const trpc = server.trpcClient(viewer.token);
    const pages = await walk(`/api/workspaces/${t.workspaceSlug}/projects`, viewer.token, 2, (input) => trpc.projects.list.query({ workspaceSlug: t.workspaceSlug, ...input }));
    const rows = pages.flatMap((p) => p.data);
    expect(rows.map((p) => p.slug)).toEqual([slugs[0], slugs[1], slugs[2], slugs[4]]);
    expect(rows.every((p) => p.workspaceSlug === t.workspaceSlug && p.isActive === true)).toBe(true);
    expect(rows[2]).toMatchObject({ connectedCloudId: connection.id, connectedCloud: { id: connection.id, cloudType: 'AWS', accountId: '123456789012', accountName: 'Prod' } });
    expect(rows[0]).toMatchObject({ isDefault: true, connectedCloud: null });

    // The access pipeline of workspace routes: 404 unknown workspace, 403 non-member, identical over tRPC.
    const outsider = await server.createUser(`outsider-${++serial}@example.com`);
    const forbidden = await server.rest('GET', `/api/workspaces/${t.workspaceSlug}/projects`, { token: outsider.token });
    expect(forbidden).toMatchObject({ status: 403, body: { error: 'Forbidden', message: 'You do not have access to this workspace' } });
    expect(await trpcFailure(server.trpcClient(outsider.token).projects.list.query({ workspaceSlug: t.workspaceSlug }))).toEqual(forbidden.body);
    const missing = await server.rest('GET', '/api/workspaces/no-such-team/projects', { token: outsider.token });
    expect(missing).toMatchObject({ status: 404, body: { error: 'Workspace not found' } });
    expect(await trpcFailure(server.trpcClient(outsider.token).projects.list.query({ workspaceSlug: 'no-such-team' }))).toEqual(missing.body);
  });

  it('PATCH /projects/:p renames (name, description), never the slug; refuses bad bodies and viewers', async () => {
    const t = await team('rename');
    const slug = await project(t.workspaceSlug, t.owner, 'Shop');
    const renamed = await server.rest('PATCH', `/api/projects/${slug}`, { token: t.owner.token, body: { name: 'Storefront', description: 'The shop' } });
    expect(renamed).toMatchObject({ status: 200, body: { message: 'Project updated successfully', data: { slug, name: 'Storefront', description: 'The shop', workspaceSlug: t.workspaceSlug } } });
    const trpc = server.trpcClient(t.owner.token);
    const cleared = await trpc.projects.update.mutate({ projectSlug: slug, description: null });
    expect(cleared.data).toMatchObject({ slug, name: 'Storefront', description: null });
    expect((await server.rest('GET', `/api/projects/${slug}`, { token: t.owner.token })).body.data).toMatchObject({ slug, name: 'Storefront', description: null });

    const rowBefore = (await server.peek.rows('projects')).find((r) => r.slug === slug);
    const cases: [Record<string, unknown>, string][] = [
      [{ slug: 'new-slug' }, 'slug: cannot be changed: it is the key of the project URLs; create a new project for a new slug'],
      [{ name: 'Ok', slug: 'new-slug' }, 'slug: cannot be changed: it is the key of the project URLs; create a new project for a new slug'],
      [{}, 'body: must set name or description'],
      [{ name: '   ' }, 'name: must not be empty'],
      [{ name: 'x'.repeat(101) }, 'name: must be at most 100 characters'],
      [{ description: 'd'.repeat(351) }, 'description: must be at most 350 characters'],
      [{ name: 7 }, 'name: must be a string'],
    ];
    for (const [body, message] of cases) {
      const res = await server.rest('PATCH', `/api/projects/${slug}`, { token: t.owner.token, body });
      expect(res, message).toMatchObject({ status: 400, body: { error: 'Validation failed', message } });
      expect(await trpcFailure(trpc.projects.update.mutate({ projectSlug: slug, ...body } as never))).toEqual(res.body);
    }
    const viewer = await member(t.workspaceSlug, t.owner, 'viewer');
    const denied = await server.rest('PATCH', `/api/projects/${slug}`, { token: viewer.token, body: { name: 'Mine' } });
    expect(denied).toMatchObject({ status: 403, body: { error: 'Forbidden', message: 'You do not have permission to perform this action (requires canManageProjects)' } });
    expect(await trpcFailure(server.trpcClient(viewer.token).projects.update.mutate({ projectSlug: slug, name: 'Mine' }))).toEqual(denied.body);
    const outsider = await server.createUser(`outsider-${++serial}@example.com`);
    expect(await server.rest('PATCH', `/api/projects/${slug}`, { token: outsider.token, body: { name: 'Mine' } })).toMatchObject({ status: 403, body: { message: 'You do not have access to this project' } });
    expect(await server.rest('PATCH', '/api/projects/no-such-project', { token: t.owner.token, body: { name: 'Mine' } })).toMatchObject({ status: 404, body: { error: 'Project not found' } });
    expect((await server.peek.rows('projects')).find((r) => r.slug === slug)).toEqual(rowBefore);
    expect(await audit(t.workspaceId, 'projects.update')).toEqual([['success', null], ['success', null], ['failure', 'Forbidden'], ['failure', 'Forbidden']]);
  });

  it('DELETE /projects/:p: 409 for the default project and while it holds resources; then soft, unlinked, slug kept', async () => {
    const t = await team('delete');
    const slug = await project(t.workspaceSlug, t.owner, 'Doomed');
    const trpc = server.trpcClient(t.owner.token);

    const isDefault = await server.rest('DELETE', `/api/projects/${t.defaultSlug}`, { token: t.owner.token });
    expect(isDefault).toMatchObject({ status: 409, body: { error: 'Cannot delete default project', message: 'The default project of a workspace cannot be deleted' } });
    expect(await trpcFailure(trpc.projects.delete.mutate({ projectSlug: t.defaultSlug }))).toEqual(isDefault.body);

    // Resources in two environments of the project: both count.
    const staging = await server.rest('POST', `/api/projects/${slug}/environments`, { token: t.owner.token, body: { name: 'staging' } });
    const a = await server.rest('POST', `/api/${slug}/master/resources`, { token: t.owner.token, body: { resourceType: 'instance', name: 'web-1' } });
    const b = await server.rest('POST', `/api/${slug}/staging/resources`, { token: t.owner.token, body: { resourceType: 'instance', name: 'web-2' } });
    expect([staging.status, a.status, b.status]).toEqual([201, 201, 201]);
    const busy = await server.rest('DELETE', `/api/projects/${slug}`, { token: t.owner.token });
    expect(busy).toMatchObject({
      status: 409,
      body: { error: 'Cannot delete project', message: 'The project still has 2 active resources. Delete all resources in this project first, then try again.' },
    });
    expect(await trpcFailure(trpc.projects.delete.mutate({ projectSlug: slug }))).toEqual(busy.body);
    const viewer = await member(t.workspaceSlug, t.owner, 'viewer');
    const denied = await server.rest('DELETE', `/api/projects/${slug}`, { token: viewer.token });
    expect(denied).toMatchObject({ status: 403, body: { message: 'You do not have permission to perform this action (requires canManageProjects)' } });
    expect(await trpcFailure(server.trpcClient(viewer.token).projects.delete.mutate({ projectSlug: slug }))).toEqual(denied.body);
    expect((await server.rest('GET', `/api/projects/${slug}`, { token: t.owner.token })).status).toBe(200);

    await server.rest('DELETE', `/api/${slug}/master/resources/${a.body.data.id}`, { token: t.owner.token });
    await server.rest('DELETE', `/api/${slug}/staging/resources/${b.body.data.id}`, { token: t.owner.token });
    // A linked connection does not block the delete: the project is unlinked.
    const connection = await server.storage.connections.createConnection({ workspaceId: t.workspaceId, provider: 'aws', createdBy: t.owner.id, region: 'us-east-1', now: new Date() });
    const row = (await server.peek.rows('projects')).find((r) => r.slug === slug)!;
    await server.storage.projects.setProjectConnection({ projectId: Number(row.id), connectionId: connection.id, now: new Date() });

    const deleted = await trpc.projects.delete.mutate({ projectSlug: slug });
    expect(deleted).toEqual({ message: 'Project deleted successfully', data: { id: Number(row.id), slug } });
    const after = (await server.peek.rows('projects')).find((r) => r.slug === slug)!;
    expect([after.is_active === true || after.is_active === 1, after.connected_cloud_id, after.deleted_at === null]).toEqual([false, null, false]);
    const envs = (await server.peek.rows('environments')).filter((e) => Number(e.project_id) === Number(row.id));
    expect(envs.map((e) => e.is_active === true || e.is_active === 1)).toEqual([false, false]);

    const gone = await server.rest('GET', `/api/projects/${slug}`, { token: t.owner.token });
    expect(gone).toMatchObject({ status: 404, body: { error: 'Project not found' } });
    expect(await server.rest('DELETE', `/api/projects/${slug}`, { token: t.owner.token })).toMatchObject({ status: 404, body: gone.body });
    expect(await server.rest('GET', `/api/${slug}/master/resources`, { token: t.owner.token })).toMatchObject({ status: 404, body: { error: 'Project not found' } });
    // The slug stays taken: a new project of the same name gets the next free one, and the old URL keeps answering 404.
    expect(await project(t.workspaceSlug, t.owner, 'Doomed')).toBe(`${slug}-1`);
    expect((await server.rest('GET', `/api/projects/${slug}`, { token: t.owner.token })).status).toBe(404);
    expect(await audit(t.workspaceId, 'projects.delete')).toEqual([
      ['failure', 'Cannot delete default project'],
      ['failure', 'Cannot delete default project'],
      ['failure', 'Cannot delete project'],
      ['failure', 'Cannot delete project'],
      ['failure', 'Forbidden'],
      ['failure', 'Forbidden'],
      ['success', null],
    ]);
  });

  it('DELETE /projects/:p/environments/:e: 409 for master and while it holds resources; then soft, slug kept', async () => {
    const t = await team('envs');
    const slug = await project(t.workspaceSlug, t.owner, 'Envs');
    const trpc = server.trpcClient(t.owner.token);
    const created = await server.rest('POST', `/api/projects/${slug}/environments`, { token: t.owner.token, body: { name: 'staging' } });
    const envId = created.body.data.id as number;

    const master = await server.rest('DELETE', `/api/projects/${slug}/environments/master`, { token: t.owner.token });
    expect(master).toMatchObject({ status: 409, body: { error: 'Cannot delete default environment', message: 'The default environment of a project cannot be deleted' } });
    expect(await trpcFailure(trpc.environments.delete.mutate({ projectSlug: slug, environmentSlug: 'master' }))).toEqual(master.body);
    const r = await server.rest('POST', `/api/${slug}/staging/resources`, { token: t.owner.token, body: { resourceType: 'instance', name: 'web-1' } });
    const busy = await server.rest('DELETE', `/api/projects/${slug}/environments/staging`, { token: t.owner.token });
    expect(busy).toMatchObject({
      status: 409,
      body: { error: 'Cannot delete environment', message: 'The environment still has 1 active resource. Delete all resources in this environment first, then try again.' },
    });
    expect(await trpcFailure(trpc.environments.delete.mutate({ projectSlug: slug, environmentSlug: 'staging' }))).toEqual(busy.body);
    const viewer = await member(t.workspaceSlug, t.owner, 'viewer');
    const denied = await server.rest('DELETE', `/api/projects/${slug}/environments/staging`, { token: viewer.token });
    expect(denied).toMatchObject({ status: 403, body: { message: 'You do not have permission to perform this action (requires canManageEnvironments)' } });
    expect(await trpcFailure(server.trpcClient(viewer.token).environments.delete.mutate({ projectSlug: slug, environmentSlug: 'staging' }))).toEqual(denied.body);
    const outsider = await server.createUser(`outsider-${++serial}@example.com`);
    expect(await server.rest('DELETE', `/api/projects/${slug}/environments/staging`, { token: outsider.token })).toMatchObject({ status: 403, body: { message: 'You do not have access to this project' } });
    const unknown = await server.rest('DELETE', `/api/projects/${slug}/environments/nope`, { token: t.owner.token });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'Environment not found' } });
    expect(await trpcFailure(trpc.environments.delete.mutate({ projectSlug: slug, environmentSlug: 'nope' }))).toEqual(unknown.body);

    await server.rest('DELETE', `/api/${slug}/staging/resources/${r.body.data.id}`, { token: t.owner.token });
    const done = await server.rest('DELETE', `/api/projects/${slug}/environments/staging`, { token: t.owner.token });
    expect(done).toMatchObject({ status: 200, body: { message: 'Environment deleted successfully', data: { id: envId, slug: 'staging' } } });
    expect((await server.rest('DELETE', `/api/projects/${slug}/environments/staging`, { token: t.owner.token })).status).toBe(404);
    expect((await server.rest('GET', `/api/${slug}/staging/resources`, { token: t.owner.token })).body).toMatchObject({ error: 'Environment not found' });
    const list = await server.rest('GET', `/api/projects/${slug}/environments`, { token: t.owner.token });
    expect(list.body.data.map((e: { slug: string }) => e.slug)).toEqual(['master']);
    const again = await server.rest('POST', `/api/projects/${slug}/environments`, { token: t.owner.token, body: { name: 'staging' } });
    expect(again.body.data.slug).toBe('staging-1');
    expect((await audit(t.workspaceId, 'environments.delete')).at(-1)).toEqual(['success', null]);
  });

  it('races: two deletes of one project, and an environment delete against a resource register, never both win', async () => {
    const t = await team('race');
    const slug = await project(t.workspaceSlug, t.owner, 'Contested');
    const deletes = await Promise.all([1, 2].map(() => server.rest('DELETE', `/api/projects/${slug}`, { token: t.owner.token })));
    expect(deletes.map((d) => d.status).sort()).toEqual([200, 404]);
    expect(deletes.find((d) => d.status === 404)!.body).toMatchObject({ error: 'Project not found' });
    expect(await audit(t.workspaceId, 'projects.delete')).toEqual([['success', null]]);

    const host = await project(t.workspaceSlug, t.owner, 'Host');
    for (let i = 0; i < 4; i++) {
      const env = await server.rest('POST', `/api/projects/${host}/environments`, { token: t.owner.token, body: { name: `race ${i}` } });
      const envSlug = env.body.data.slug as string;
      const [del, reg] = await Promise.all([
        server.rest('DELETE', `/api/projects/${host}/environments/${envSlug}`, { token: t.owner.token }),
        server.rest('POST', `/api/${host}/${envSlug}/resources`, { token: t.owner.token, body: { resourceType: 'instance', name: 'racer' } }),
      ]);
      // Either the delete ran first (the register then finds no environment) or the register did (the delete then refuses).
      expect([[200, 404], [409, 201]]).toContainEqual([del.status, reg.status]);
      const resources = (await server.peek.rows('resources')).filter((x) => Number(x.environment_id) === Number(env.body.data.id) && (x.is_active === true || x.is_active === 1));
      expect(resources).toHaveLength(reg.status === 201 ? 1 : 0);
    }
  });
});
