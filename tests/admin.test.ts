import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestServer, type TestServer, trpcFailure } from './harness/index.js';

describeBackends('admin over REST and tRPC', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ backend });
  });
  afterAll(() => server.close());

  it('workspace, project, environments and usage through both transports', async () => {
    const ann = await server.createUser('ann@example.com', 'Ann');
    expect(await server.rest('POST', '/api/workspaces', { body: { name: 'Acme' } })).toMatchObject({
      status: 401,
      body: { error: 'Unauthorized', message: 'Missing or invalid authentication token' },
    });
    const ws = await server.rest('POST', '/api/workspaces', { token: ann.token, body: { name: 'Acme' } });
    expect(ws.status).toBe(201);
    expect(ws.body).toMatchObject({ message: 'Workspace created successfully', data: { slug: 'acme', planId: 1, profileImage: null } });
    const bad = await server.rest('POST', '/api/workspaces', { token: ann.token, body: { name: 42 } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'Validation failed', message: 'name: must be a string', details: [{ path: 'name', message: 'must be a string' }] } });

    const trpc = server.trpcClient(ann.token);
    const got = await trpc.workspaces.get.query({ workspaceSlug: 'acme' });
    expect(got.data).toMatchObject({ userRole: 'owner', plan: { slug: 'free' } });
    const project = await server.rest('POST', '/api/workspaces/acme/projects', { token: ann.token, body: { name: 'Shop' } });
    expect(project).toMatchObject({ status: 201, body: { message: 'Project created successfully', data: { slug: 'shop', workspaceSlug: 'acme', isDefault: true, connectedCloud: null } } });
    expect(await trpcFailure(trpc.projects.create.mutate({ workspaceSlug: 'acme', name: 'Two' }))).toEqual({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of projects (1) for your plan. Please upgrade to create more projects.',
      currentValue: 1,
      limit: 1,
      upgradeRequired: true,
    });
    const envs = await server.rest('GET', '/api/projects/shop/environments', { token: ann.token });
    expect(envs).toMatchObject({ status: 200, body: { message: 'Environments retrieved successfully', count: 1, data: [{ slug: 'master', isDefault: true }] } });
    expect(await server.rest('POST', '/api/projects/shop/environments', { token: ann.token, body: { name: 'staging' } })).toMatchObject({
      status: 403,
      body: { error: 'Plan limit exceeded', limit: 1 },
    });
    expect((await trpc.projects.get.query({ projectSlug: 'shop' })).data.slug).toBe('shop');
    const usage = await server.rest('GET', '/api/workspaces/acme/usage', { token: ann.token });
    expect(usage.body).toEqual({
      message: 'Workspace usage retrieved successfully',
      workspace: { id: ws.body.data.id, slug: 'acme', name: 'Acme' },
      plan: { id: 1, slug: 'free', name: 'Free' },
      usage: {
        projects: { current: 1, limit: 1, percentage: 100, unlimited: false },
        environments: { current: 1, limit: 1, percentage: 100, unlimited: false },
        resources: { current: 0, limit: 5, percentage: 0, unlimited: false },
        cloudConnections: { current: 0, limit: 1, percentage: 0, unlimited: false },
      },
    });
    const bob = await server.createUser('bob@example.com');
    expect(await server.rest('GET', '/api/projects/shop', { token: bob.token })).toMatchObject({ status: 403, body: { error: 'Forbidden', message: 'You do not have access to this project' } });
    expect(await server.rest('GET', '/api/workspaces/nope', { token: bob.token })).toMatchObject({ status: 404, body: { error: 'Workspace not found' } });
  });

  it('members: add, reactivate, role changes, last owner, concurrent adds within the limit', async () => {
    const owner = await server.createUser('owner@example.com');
    const ws = await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Team' } });
    const slug = ws.body.data.slug as string;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: ws.body.data.id, planId: 2, now: new Date() });
    const users = await Promise.all(['m1', 'm2', 'm3', 'm4'].map((n) => server.createUser(`${n}@example.com`, n)));
    const adds = await Promise.all(users.map((u) => server.rest('POST', `/api/workspaces/${slug}/members`, { token: owner.token, body: { email: u.email, role: 'dev' } })));
    expect(adds.map((r) => r.status).sort()).toEqual([201, 201, 403, 403]);
    const added = adds.find((r) => r.status === 201)!;
    expect(added.body).toMatchObject({ message: 'Member added successfully', data: { role: 'dev', user: { profileImage: null } } });
    const memberId = added.body.data.userId as number;
    const list = await server.trpcClient(owner.token).members.list.query({ workspaceSlug: slug });
    expect(list.count).toBe(3);
    expect(await server.rest('PATCH', `/api/workspaces/${slug}/members/${owner.id}`, { token: owner.token, body: { role: 'admin' } })).toMatchObject({
      status: 400,
      body: { error: 'Cannot remove last owner', message: 'A workspace must keep at least one owner' },
    });
    expect(await server.rest('PATCH', `/api/workspaces/${slug}/members/abc`, { token: owner.token, body: { role: 'admin' } })).toMatchObject({ status: 400, body: { error: 'Validation failed' } });
    const patched = await server.rest('PATCH', `/api/workspaces/${slug}/members/${memberId}`, { token: owner.token, body: { role: 'admin' } });
    expect(patched).toMatchObject({ status: 200, body: { message: 'Member role updated successfully', data: { role: 'admin' } } });
    const memberToken = users.find((u) => u.id === memberId)!.token;
    expect(await server.rest('DELETE', `/api/workspaces/${slug}/members/${owner.id}`, { token: memberToken })).toMatchObject({
      status: 403,
      body: { error: 'Forbidden', message: 'Only an owner can grant or remove the owner role' },
    });
    expect(await server.rest('DELETE', `/api/workspaces/${slug}/members/${memberId}`, { token: owner.token })).toMatchObject({ status: 200, body: { message: 'Member removed successfully' } });
    const back = await server.rest('POST', `/api/workspaces/${slug}/members`, { token: owner.token, body: { email: users.find((u) => u.id === memberId)!.email } });
    expect(back).toMatchObject({ status: 201, body: { data: { role: 'member', isActive: true } } });
    const rows = (await server.peek.rows('workspace_members')).filter((r) => Number(r.user_id) === memberId);
    expect(rows).toHaveLength(1);
  });
});
