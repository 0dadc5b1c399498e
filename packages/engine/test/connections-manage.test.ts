import { describe, expect, it } from 'vitest';
import { createTestEngine, failure, type TestEngine } from './support/engine.js';

async function connectedAws(t: TestEngine, actor: { userId: number }, workspaceSlug: string, accountId: string, accountName: string) {
  const { data } = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
  await t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: data.connectionId, accountId, accountName });
  return data.connectionId;
}

async function addZone(t: TestEngine, workspaceId: number, projectSlug: string, domain: string) {
  const project = (await t.storage.projects.getProjectBySlug(projectSlug))!;
  const env = (await t.storage.environments.getEnvironmentBySlug(project.id, 'master'))!;
  return t.storage.resources.createResource({
    workspaceId,
    projectId: project.id,
    environmentId: env.id,
    cloudConnectionId: project.connectedCloudId,
    resourceType: 'dns',
    resourceId: 'Z1',
    name: domain,
    region: 'global',
    status: 'active',
    domainName: domain,
    metadata: {},
    secretData: null,
    positionX: null,
    positionY: null,
    createdBy: 1,
    now: t.clock.now(),
  });
}

describe('list', () => {
  it('filters, keeps the summary unfiltered and counts the page', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme', 'pro');
    await connectedAws(t, actor, workspaceSlug, '111111111111', 'One');
    await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    const failed = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: failed.data.connectionId, accountId: '000000000000', accountName: 'Bad' }));
    const gone = await t.engine.cloudConnections.connectAzure(actor, { workspaceSlug });
    await t.engine.cloudConnections.delete(actor, { workspaceSlug, connectionId: gone.data.connectionId });

    const def = await t.engine.cloudConnections.list(actor, { workspaceSlug });
    expect(def).toMatchObject({
      message: 'Cloud connections retrieved successfully',
      summary: { total: 3, byStatus: { connected: 1, pending: 1, failed: 1, disconnected: 0 } },
      count: 1,
      data: [{ id: 1, accountName: 'One', connectionStatus: 'connected' }],
    });
    expect(Object.keys(def.data[0]!)).toEqual(['id', 'cloudProvider', 'accountId', 'accountName', 'region', 'connectionStatus', 'mode', 'connectedAt', 'failureReason', 'isActive', 'createdAt', 'updatedAt', 'lastVerifiedAt', 'lastVerificationError']);
    const ids = async (q: Record<string, unknown>) => (await t.engine.cloudConnections.list(actor, { workspaceSlug, ...q })).data.map((c) => c.id);
    expect(await ids({ status: 'all' })).toEqual([1, 2, 3]);
    expect(await ids({ status: 'all', include_inactive: 'true' })).toEqual([1, 2, 3, 4]);
    expect(await ids({ status: 'disconnected', include_inactive: true })).toEqual([4]);
    expect(await ids({ status: 'disconnected' })).toEqual([]);
    expect(await ids({ status: 'all', provider: 'gcp' })).toEqual([2]);
    expect(await ids({ status: 'all', provider_id: '1' })).toEqual([1, 3]);
    expect(await ids({ status: 'failed' })).toEqual([3]);
    expect(await failure(t.engine.cloudConnections.list(actor, { workspaceSlug, status: 'weird' } as never))).toMatchObject({ error: 'Validation failed', details: [{ path: 'status' }] });
    expect(await failure(t.engine.cloudConnections.list(actor, { workspaceSlug, include_inactive: 'yes' } as never))).toMatchObject({ details: [{ path: 'include_inactive' }] });
    expect(await failure(t.engine.cloudConnections.list(actor, { workspaceSlug, provider_id: '0' }))).toMatchObject({ details: [{ path: 'provider_id' }] });
  });
});

describe('update', () => {
  it('sets, clears and refuses duplicate names', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug } = await t.workspace('ann@example.com', 'Acme', 'pro');
    await connectedAws(t, actor, workspaceSlug, '111111111111', 'One');
    const second = await t.engine.cloudConnections.connectAws(actor, { workspaceSlug });
    const id = second.data.connectionId;
    expect(await failure(t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: id, accountName: 'One' }))).toMatchObject({
      code: 'CONFLICT',
      error: 'Duplicate account name',
      message: 'A cloud connection named "One" already exists in this workspace',
    });
    expect((await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: id, accountName: 'Two' })).data.accountName).toBe('Two');
    expect((await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: id, accountName: '' })).data.accountName).toBeNull();
    expect((await t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: id })).data.accountName).toBeNull();
    expect(await failure(t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: id, accountName: 'x'.repeat(101) }))).toMatchObject({ error: 'Validation failed' });
    expect(await failure(t.engine.cloudConnections.update(actor, { workspaceSlug, connectionId: 99, accountName: 'Z' }))).toMatchObject({ error: 'Cloud connection not found' });
    // complete refuses a name held by another active connection.
    expect(await failure(t.engine.cloudConnections.complete(actor, { workspaceSlug, connectionId: id, accountId: '222222222222', accountName: 'One' }))).toMatchObject({
      error: 'Duplicate account name',
    });
  });
});

describe('delete and project links', () => {
  it('links, refuses unlinking with resources, refuses delete listing busy projects, then deletes', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'pro');
    const id = await connectedAws(t, actor, workspaceSlug, '123456789012', 'Production AWS');
    await t.engine.projects.create(actor, { workspaceSlug, name: 'Zeta Shop' });
    await t.engine.projects.create(actor, { workspaceSlug, name: 'Alpha Blog' });
    const linked = await t.engine.projects.connectCloud(actor, { projectSlug: 'zeta-shop', connectionId: String(id) });
    expect(linked).toMatchObject({
      message: 'Cloud connection linked successfully',
      data: {
        slug: 'zeta-shop',
        connectedCloudId: id,
        connectedCloud: { id, cloudType: 'AWS', accountId: '123456789012', accountName: 'Production AWS', roleArn: 'arn:aws:iam::123456789012:role/GatewaysAppDeployRole' },
      },
    });
    expect((await t.engine.projects.connectCloud(actor, { projectSlug: 'zeta-shop', connectionId: id })).data.connectedCloudId).toBe(id);
    await t.engine.projects.connectCloud(actor, { projectSlug: 'alpha-blog', connectionId: id });
    await addZone(t, workspaceId, 'zeta-shop', 'zeta.example');
    await addZone(t, workspaceId, 'alpha-blog', 'alpha.example');

    expect(await failure(t.engine.projects.disconnectCloud(actor, { projectSlug: 'zeta-shop' }))).toEqual({
      code: 'CONFLICT',
      retryAfter: undefined,
      error: 'Cannot disconnect cloud',
      message: 'The project still has active resources. Delete all resources in this project first, then try again.',
    });
    const other = await connectedAws(t, actor, workspaceSlug, '210987654321', 'Other');
    expect(await failure(t.engine.projects.connectCloud(actor, { projectSlug: 'zeta-shop', connectionId: other }))).toMatchObject({ error: 'Cannot disconnect cloud' });
    expect(await failure(t.engine.cloudConnections.delete(actor, { workspaceSlug, connectionId: id }))).toEqual({
      code: 'CONFLICT',
      retryAfter: undefined,
      error: 'Cannot delete connection',
      message:
        'All projects using this cloud connection must have zero active resources before deletion. The following project(s) still have active resources: Alpha Blog, Zeta Shop. Delete or disconnect all resources in those projects first, then try again.',
    });
    for (const r of await t.storage.peek.rows('resources')) await t.storage.resources.softDeleteResource(Number(r.id), t.clock.now());
    expect(await t.engine.cloudConnections.delete(actor, { workspaceSlug, connectionId: id })).toEqual({ message: 'Cloud connection deleted successfully' });
    expect((await t.engine.projects.get(actor, { projectSlug: 'zeta-shop' })).data).toMatchObject({ connectedCloudId: null, connectedCloud: null });
    expect(await failure(t.engine.cloudConnections.delete(actor, { workspaceSlug, connectionId: id }))).toMatchObject({ error: 'Cloud connection not found' });
    const row = (await t.storage.peek.rows('cloud_connections')).find((r) => r.id === id || Number(r.id) === id)!;
    expect(row).toMatchObject({ connection_status: 'disconnected' });
    expect(row.is_active === false || row.is_active === 0).toBe(true);
    const unlinked = await t.engine.projects.disconnectCloud(actor, { projectSlug: 'zeta-shop' });
    expect(unlinked).toMatchObject({ message: 'Cloud connection unlinked successfully', data: { connectedCloudId: null, connectedCloud: null } });
  });

  it('link checks: other workspace 404, not connected 400, bad id 400, permission 403', async () => {
    const t = await createTestEngine();
    const { actor, workspaceSlug, workspaceId } = await t.workspace('ann@example.com', 'Acme', 'pro');
    await t.engine.projects.create(actor, { workspaceSlug, name: 'Shop' });
    const pending = await t.engine.cloudConnections.connectGcp(actor, { workspaceSlug });
    const other = await t.workspace('bob@example.com', 'Other', 'pro');
    const theirs = await connectedAws(t, other.actor, other.workspaceSlug, '123456789012', 'Theirs');
    expect(await failure(t.engine.projects.connectCloud(actor, { projectSlug: 'shop', connectionId: theirs }))).toMatchObject({ error: 'Cloud connection not found' });
    expect(await failure(t.engine.projects.connectCloud(actor, { projectSlug: 'shop', connectionId: pending.data.connectionId }))).toMatchObject({
      code: 'PRECONDITION',
      error: 'Cloud connection not active',
      message: 'The cloud connection for this project is not active or not connected',
    });
    expect(await failure(t.engine.projects.connectCloud(actor, { projectSlug: 'shop', connectionId: 'x' }))).toMatchObject({ error: 'Invalid connection ID' });
    const viewer = await t.user('vic@example.com');
    await t.storage.members.addMember({ workspaceId, userId: viewer.userId, role: 'viewer', permissions: null, now: t.clock.now() });
    expect(await failure(t.engine.projects.connectCloud(viewer, { projectSlug: 'shop', connectionId: 1 }))).toMatchObject({
      message: 'You do not have permission to perform this action (requires canManageProjects)',
    });
    expect(await failure(t.engine.projects.disconnectCloud(viewer, { projectSlug: 'shop' }))).toMatchObject({ error: 'Forbidden' });
    expect((await t.engine.cloudConnections.list(viewer, { workspaceSlug })).count).toBe(0);
    expect(await failure(t.engine.cloudConnections.delete(viewer, { workspaceSlug, connectionId: 1 }))).toMatchObject({ error: 'Forbidden' });
  });
});
