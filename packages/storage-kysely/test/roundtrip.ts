import { expect } from 'vitest';
import { isStorageConflict } from '@cloudlink/engine';
import type { Storage } from '@cloudlink/engine';

const now = new Date('2024-01-15T10:30:00.123Z');
const later = new Date('2024-01-15T11:00:00.000Z');

/**
 * Exercise every repository method once through a migrated storage and check the results. Shared
 * by the SQLite and Postgres tests so both dialects run the same SQL paths (the full contract is
 * the conformance suite's job).
 */
export async function exerciseAllRepositories(storage: Storage): Promise<void> {
  const user = await storage.users.createUser({ email: 'Owner@Example.com', name: 'Owner', now });
  const other = await storage.users.createUser({ email: 'dev@example.com', name: null, now });
  expect(await storage.users.getUserById(user.id)).toEqual(user);

  expect((await storage.plans.getPlanBySlug('pro'))?.restrictions.max_projects).toBe(15);
  expect((await storage.plans.getPlanById(4))?.restrictions.max_projects).toBe(-1);
  const ws = await storage.workspaces.createWorkspace({ name: 'Acme', slug: 'acme', description: 'd', planId: 1, now });
  await storage.workspaces.setWorkspacePlan({ workspaceId: ws.id, planId: 2, now: later });
  expect(await storage.workspaces.getWorkspaceById(ws.id)).toMatchObject({ planId: 2, updatedAt: later });
  await expect(storage.workspaces.createWorkspace({ name: 'x', slug: 'acme', description: null, planId: 1, now })).rejects.toSatisfy(
    (e) => isStorageConflict(e, 'workspaces.slug'),
  );

  const owner = await storage.members.addMember({ workspaceId: ws.id, userId: user.id, role: 'owner', permissions: null, now });
  expect(owner).toMatchObject({ role: 'owner', permissions: null, user: { id: user.id, email: 'owner@example.com', name: 'Owner' } });
  await storage.members.addMember({ workspaceId: ws.id, userId: other.id, role: 'dev', permissions: { projectPermissions: ['web/*'] }, now });
  await expect(storage.members.addMember({ workspaceId: ws.id, userId: other.id, role: 'dev', permissions: null, now })).rejects.toSatisfy(
    (e) => isStorageConflict(e, 'workspace_members'),
  );
  expect(await storage.members.setMemberRole({ workspaceId: ws.id, userId: other.id, role: 'viewer', now: later })).toMatchObject({
    role: 'viewer',
    permissions: { projectPermissions: ['web/*'] },
  });
  expect(await storage.members.countMembers(ws.id)).toBe(2);
  expect(await storage.members.countMembers(ws.id, { role: 'owner' })).toBe(1);
  expect(await storage.members.removeMember({ workspaceId: ws.id, userId: other.id, now })).toBe(true);
  expect(await storage.members.removeMember({ workspaceId: ws.id, userId: other.id, now })).toBe(false);
  expect((await storage.members.listMembers(ws.id, { limit: 100 })).map((m) => m.userId)).toEqual([user.id]);
  const back = await storage.members.addMember({ workspaceId: ws.id, userId: other.id, role: 'admin', permissions: null, now: later });
  expect(back).toMatchObject({ role: 'admin', joinedAt: later, isActive: true });

  const web = await storage.projects.createProject({ workspaceId: ws.id, userId: user.id, name: 'Web', slug: 'web', description: null, isDefault: true, now });
  const api = await storage.projects.createProject({ workspaceId: ws.id, userId: user.id, name: 'Api', slug: 'api', description: null, isDefault: false, now });
  expect((await storage.projects.slugVacancy('web')).baseFree).toBe(false);
  expect(await storage.projects.countProjects(ws.id)).toBe(2);
  const env = await storage.environments.createEnvironment({ projectId: web.id, name: 'master', slug: 'master', description: null, isDefault: true, now });
  await storage.environments.createEnvironment({ projectId: web.id, name: 'Staging', slug: 'staging', description: null, isDefault: false, now });
  await expect(
    storage.environments.createEnvironment({ projectId: web.id, name: 'm', slug: 'master', description: null, isDefault: false, now }),
  ).rejects.toSatisfy((e) => isStorageConflict(e, 'environments.slug'));
  expect(await storage.environments.getEnvironmentBySlug(web.id, 'master')).toEqual(env);
  expect((await storage.environments.slugVacancy(web.id, 'staging')).baseFree).toBe(false);
  expect(await storage.environments.countEnvironments(web.id)).toBe(2);
  expect(await storage.environments.maxEnvironmentsPerProject(ws.id)).toBe(2);
  expect((await storage.environments.listEnvironments(web.id, { limit: 100 })).map((e) => e.slug)).toEqual(['master', 'staging']);

  const conn = await storage.connections.createConnection({ workspaceId: ws.id, provider: 'aws', createdBy: user.id, region: 'us-east-1', externalId: 'ext', stackName: 'stack', now });
  const updated = await storage.connections.updateConnection(
    conn.id,
    { status: 'connected', accountId: '123456789012', accountName: 'prod', connectedAt: later, secretData: 'v1:k:sealed' },
    later,
  );
  expect(updated).toMatchObject({ provider: 'aws', status: 'connected', connectedAt: later, accountName: 'prod', externalId: 'ext' });
  expect(await storage.connections.getConnection(ws.id, conn.id)).toEqual(updated);
  // The status check constraint lives in the database.
  await expect(
    storage.connections.updateConnection(conn.id, { status: 'bogus' as unknown as 'failed' }, later),
  ).rejects.toThrow(/CHECK constraint|check constraint/);
  expect(await storage.connections.getConnection(ws.id + 1000, conn.id)).toBeNull();
  expect(await storage.connections.countConnected(ws.id)).toBe(1);
  expect(await storage.connections.countConnected(ws.id, { excludeId: conn.id })).toBe(0);
  expect(await storage.connections.countConnectionsByStatus(ws.id)).toEqual({ pending: 0, connected: 1, failed: 0, disconnected: 0 });
  expect(await storage.connections.listConnections(ws.id, { provider: 'gcp' }, { limit: 100 })).toEqual([]);
  expect((await storage.connections.listConnections(ws.id, { providerId: 1, status: 'connected' }, { limit: 100 })).map((c) => c.id)).toEqual([conn.id]);
  expect(await storage.connections.listSealedSecrets()).toEqual([{ id: conn.id, secretData: 'v1:k:sealed' }]);

  await storage.projects.setProjectConnection({ projectId: web.id, connectionId: conn.id, now });
  await storage.projects.setProjectConnection({ projectId: api.id, connectionId: conn.id, now });
  const zone = await storage.resources.createResource({
    workspaceId: ws.id, projectId: web.id, environmentId: env.id, cloudConnectionId: conn.id, resourceType: 'dns',
    resourceId: 'Z1', name: 'example.com', region: null, status: 'active', domainName: 'example.com',
    metadata: { nameServers: ['ns1.'] }, secretData: null, positionX: 1.5, positionY: null, createdBy: user.id, now,
  });
  // Foreign keys live in the database too.
  await expect(
    storage.resources.createResource({ ...zone, environmentId: env.id + 1000, domainName: 'fk.example', createdBy: user.id, now }),
  ).rejects.toThrow(/FOREIGN KEY|foreign key/);
  expect(zone).toMatchObject({ metadata: { nameServers: ['ns1.'] }, positionX: 1.5, positionY: null, cloudConnectionId: conn.id });
  await expect(storage.resources.createResource({ ...zone, createdBy: user.id, now })).rejects.toSatisfy((e) =>
    isStorageConflict(e, 'resources.domain_name'),
  );
  expect(await storage.resources.dnsDomainTaken(env.id, 'example.com')).toBe(true);
  expect(await storage.resources.getResource({ projectId: web.id, environmentId: env.id }, zone.id)).toEqual(zone);
  expect(await storage.resources.getResource({ projectId: api.id, environmentId: env.id }, zone.id)).toBeNull();
  expect((await storage.resources.listResources(env.id, { type: 'dns', status: 'active' }, { limit: 100 })).map((r) => r.id)).toEqual([zone.id]);
  expect(await storage.resources.countResourcesByType(env.id)).toEqual({ dns: 1 });
  expect(await storage.resources.countResources({ workspaceId: ws.id })).toBe(1);
  expect(await storage.resources.countResources({ projectId: api.id })).toBe(0);
  expect(await storage.resources.updateResource(zone.id, { metadata: { a: 1 }, secretData: 'sealed-token', positionY: 2 }, later)).toMatchObject({
    metadata: { a: 1 }, secretData: 'sealed-token', positionY: 2, updatedAt: later,
  });
  expect(await storage.resources.listSealedSecrets()).toEqual([{ id: zone.id, secretData: 'sealed-token' }]);
  expect((await storage.projects.listProjectsWithActiveResources(conn.id)).map((p) => p.slug)).toEqual(['web']);

  const set = (name: string, type: string, values: string[]) => ({ name, type, ttl: 300, values, managed: true, providerIds: null });
  await storage.dnsRecords.putRecordSets(zone.id, [set('www.example.com.', 'A', ['1.2.3.4']), set('a.example.com.', 'TXT', ['"x"'])], now);
  await storage.dnsRecords.putRecordSets(zone.id, [{ ...set('www.example.com.', 'A', ['5.6.7.8']), providerIds: ['cf1'] }], later);
  expect(await storage.dnsRecords.getRecordSet(zone.id, 'www.example.com.', 'A')).toEqual({ ...set('www.example.com.', 'A', ['5.6.7.8']), providerIds: ['cf1'] });
  expect((await storage.dnsRecords.listRecordSets(zone.id)).map((s) => s.name)).toEqual(['a.example.com.', 'www.example.com.']);
  await storage.dnsRecords.deleteRecordSets(zone.id, [{ name: 'a.example.com.', type: 'TXT' }]);
  await storage.dnsRecords.replaceRecordSets(zone.id, [set('b.example.com.', 'MX', ['10 mx.example.com.']), set('B.example.com.', 'A', ['1.1.1.1'])], now);
  // Binary order: upper case sorts before lower case on every dialect.
  expect((await storage.dnsRecords.listRecordSets(zone.id)).map((s) => s.name)).toEqual(['B.example.com.', 'b.example.com.']);
  await storage.dnsRecords.deleteAllRecordSets(zone.id);
  expect(await storage.dnsRecords.listRecordSets(zone.id)).toEqual([]);

  const host = { workspaceId: ws.id, projectId: web.id, environmentId: env.id, cloudConnectionId: null, resourceId: null, region: null, status: 'active', secretData: null, positionX: null, positionY: null, createdBy: user.id, now };
  const www = await storage.resources.createResource({ ...host, resourceType: 'subdomain', name: 'www', domainName: 'www.example.com', parentResourceId: zone.id, metadata: {} });
  const web1 = await storage.resources.createResource({ ...host, resourceType: 'instance', name: 'web-1', domainName: null, metadata: { dnsTarget: { addresses: ['192.0.2.10'] } } });
  await expect(storage.resources.createResource({ ...host, resourceType: 'subdomain', name: 'w', domainName: 'www.example.com', parentResourceId: zone.id, metadata: {} })).rejects.toSatisfy(
    (e) => isStorageConflict(e, 'resources.subdomain'),
  );
  expect(www.parentResourceId).toBe(zone.id);
  expect(await storage.resources.getResourceById(web1.id)).toEqual(web1);
  expect((await storage.resources.listResources(env.id, { type: ['subdomain', 'instance'], parentResourceId: zone.id }, { limit: 100 })).map((r) => r.id)).toEqual([www.id]);
  const records = [{ name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.10'], proxied: false }];
  const link = { workspaceId: ws.id, projectId: web.id, environmentId: env.id, connectionType: 'dns', sourceResourceId: www.id, targetResourceId: web1.id, zoneResourceId: zone.id, records, options: { ttl: 300 }, createdBy: user.id, now };
  const rc = await storage.resourceConnections.createResourceConnection({ ...link, status: 'pending' });
  await expect(storage.resourceConnections.createResourceConnection({ ...link, status: 'pending' })).rejects.toSatisfy((e) => isStorageConflict(e, 'resource_connections.source'));
  // The status check constraint lives in the database.
  await expect(storage.resourceConnections.updateResourceConnection(rc.id, { status: 'bogus' as unknown as 'active' }, later)).rejects.toThrow(/CHECK constraint|check constraint/);
  expect(await storage.resourceConnections.updateResourceConnection(rc.id, { status: 'active' }, later)).toEqual({ ...rc, status: 'active', updatedAt: later });
  expect((await storage.resourceConnections.listConnectionsOfZone(zone.id)).map((c) => c.id)).toEqual([rc.id]);
  expect((await storage.resourceConnections.listResourceConnections(env.id, { resourceId: web1.id }, { limit: 100 })).map((c) => c.id)).toEqual([rc.id]);
  expect(await storage.resourceConnections.softDeleteResourceConnection(rc.id, later)).toBe(true);
  expect(await storage.resourceConnections.listConnectionsOfResource(www.id)).toEqual([]);
  await storage.resources.softDeleteResource(www.id, later);
  await storage.resources.softDeleteResource(web1.id, later);

  await storage.resources.softDeleteResource(zone.id, later);
  expect(await storage.resources.dnsDomainTaken(env.id, 'example.com')).toBe(false);
  expect(await storage.projects.unlinkConnection({ connectionId: conn.id, now })).toBe(2);
  await storage.connections.softDeleteConnection(conn.id, later);
  expect(await storage.connections.getConnection(ws.id, conn.id)).toBeNull();
  expect(await storage.connections.getConnectionById(conn.id)).toMatchObject({ isActive: false, status: 'disconnected', deletedAt: later });
  expect((await storage.connections.listConnections(ws.id, { includeInactive: true }, { limit: 100 })).length).toBe(1);

  const key = await storage.oidcKeys.insertOidcKey({
    kid: 'k1', alg: 'RS256', publicJwk: { kty: 'RSA', n: 'x', e: 'AQAB' }, privateKey: 'sealed-pem',
    signingFrom: now, signingUntil: null, publishedUntil: null, now,
  });
  await expect(
    storage.oidcKeys.insertOidcKey({ ...key, now }),
  ).rejects.toSatisfy((e) => isStorageConflict(e, 'oidc_signing_keys.kid'));
  await storage.oidcKeys.updateOidcKey(key.id, { signingUntil: later, publishedUntil: later });
  expect(await storage.oidcKeys.listOidcKeys()).toEqual([{ ...key, signingUntil: later, publishedUntil: later }]);
}
