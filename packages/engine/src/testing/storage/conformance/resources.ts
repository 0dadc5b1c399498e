import { describe, expect, it } from 'vitest';
import type { IdPage } from '../../../ports/storage.js';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** resources.*. */
export function describeResources(ctx: StorageConformanceContext): void {
  const scope = () => fixtures(ctx.storage).scope();

  describe('resources.createResource', () => {
    it('stores every column; metadata as JSON, secret_data exactly as given', async () => {
      const s = await scope();
      const c = await fixtures(ctx.storage).connection(s.workspace, s.user);
      const sealed = 'v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:dG9rZW4';
      const r = await ctx.storage.resources.createResource({
        workspaceId: s.workspace.id, projectId: s.project.id, environmentId: s.environment.id, cloudConnectionId: c.id,
        resourceType: 'dns', resourceId: 'Z123', name: 'example.com', region: 'global', status: 'active', domainName: 'example.com',
        metadata: { provider: 'route53', nameServers: ['ns1.example.net', 'ns2.example.net'], nested: { n: 1 } },
        secretData: sealed, positionX: 12.5, positionY: -3, createdBy: s.user.id, now: T0,
      });
      expect(r).toMatchObject({
        workspaceId: s.workspace.id, projectId: s.project.id, environmentId: s.environment.id, cloudConnectionId: c.id, resourceType: 'dns',
        resourceId: 'Z123', name: 'example.com', region: 'global', status: 'active', domainName: 'example.com', secretData: sealed,
        positionX: 12.5, positionY: -3, createdBy: s.user.id, isActive: true, createdAt: T0, updatedAt: T0, deletedAt: null,
      });
      expect(r.metadata).toEqual({ provider: 'route53', nameServers: ['ns1.example.net', 'ns2.example.net'], nested: { n: 1 } });
      const row = await ctx.row('resources', r.id);
      expect([raw.num(row.workspace_id), raw.num(row.project_id), raw.num(row.environment_id), raw.num(row.cloud_connection_id), raw.num(row.created_by)]).toEqual([
        s.workspace.id, s.project.id, s.environment.id, c.id, s.user.id,
      ]);
      expect([row.resource_type, row.resource_id, row.name, row.region, row.status, row.domain_name, row.secret_data]).toEqual([
        'dns', 'Z123', 'example.com', 'global', 'active', 'example.com', sealed,
      ]);
      expect(raw.json(row.metadata)).toEqual(r.metadata);
      expect([raw.num(row.position_x), raw.num(row.position_y), raw.bool(row.is_active), row.deleted_at]).toEqual([12.5, -3, true, null]);
      expect([r.parentResourceId, row.parent_resource_id]).toEqual([null, null]);
    });

    it("stores a subdomain's zone in parent_resource_id", async () => {
      const s = await scope();
      const zone = await fixtures(ctx.storage).resource(s, { domainName: 'example.com' });
      const sub = await fixtures(ctx.storage).subdomain(s, zone, 'www');
      expect(sub).toMatchObject({ resourceType: 'subdomain', name: 'www', domainName: 'www.example.com', parentResourceId: zone.id });
      expect(raw.num((await ctx.row('resources', sub.id)).parent_resource_id)).toBe(zone.id);
      await expect(fixtures(ctx.storage).resource(s, { type: 'subdomain', domainName: 'x.example.com', parentResourceId: sub.id + 1000 })).rejects.toThrow();
    });

    it('refuses a second active subdomain of the same name in one zone: resources.subdomain', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const zone = await f.resource(s, { domainName: 'example.com' });
      await f.subdomain(s, zone, 'www');
      await expectConflict(f.subdomain(s, zone, 'www-again', 'www.example.com'), 'resources.subdomain');
      expect(await ctx.rows('resources')).toHaveLength(2);
    });

    it('allows the subdomain name in another zone, after it is deleted, beside a dns zone of that domain', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const zone = await f.resource(s, { domainName: 'example.com' });
      const other = await f.resource(s, { domainName: 'example.org' });
      const www = await f.subdomain(s, zone, 'www');
      await f.subdomain(s, other, 'www', 'www.example.com');
      // A host resource may carry the parent and domain of a subdomain: the index covers subdomains only.
      await f.resource(s, { type: 'instance', domainName: 'www.example.com', parentResourceId: zone.id });
      await ctx.storage.resources.softDeleteResource(www.id, at(1));
      await f.subdomain(s, zone, 'www');
      // The apex subdomain and a zone of the same domain name live side by side; neither index sees the other.
      await f.subdomain(s, zone, '@', 'example.com');
      await f.resource(s, { domainName: 'www.example.com' });
      expect(await ctx.storage.resources.dnsDomainTaken(s.environment.id, 'www.example.com')).toBe(true);
      expect(await ctx.rows('resources')).toHaveLength(8);
    });
  });

  describe('resources.getResourceById', () => {
    it('finds an active resource in any project; inactive, missing and out-of-range ids are null', async () => {
      const f = fixtures(ctx.storage);
      const r = await f.resource(await scope());
      const elsewhere = await f.resource(await scope(), { type: 'instance', domainName: null });
      expect(await ctx.storage.resources.getResourceById(r.id)).toEqual(r);
      expect(await ctx.storage.resources.getResourceById(elsewhere.id)).toEqual(elsewhere);
      expect(await ctx.storage.resources.getResourceById(elsewhere.id + 1000)).toBeNull();
      expect(await ctx.storage.resources.getResourceById(2 ** 40)).toBeNull();
      await ctx.storage.resources.softDeleteResource(r.id, at(1));
      expect(await ctx.storage.resources.getResourceById(r.id)).toBeNull();
    });

    it('refuses a second active dns zone for the domain in the environment: resources.domain_name', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      await f.resource(s, { domainName: 'dup.example.com' });
      await expectConflict(f.resource(s, { domainName: 'dup.example.com' }), 'resources.domain_name');
      expect(await ctx.rows('resources')).toHaveLength(1);
    });

    it('allows the domain in another environment, for a non-dns type, and after the zone is deleted', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const otherEnv = await f.environment(s.project);
      const first = await f.resource(s, { domainName: 'free.example.com' });
      await f.resource({ ...s, environment: otherEnv }, { domainName: 'free.example.com' });
      await f.resource(s, { type: 'bucket', domainName: 'free.example.com' });
      await ctx.storage.resources.softDeleteResource(first.id, at(1));
      await f.resource(s, { domainName: 'free.example.com' });
      expect(await ctx.rows('resources')).toHaveLength(4);
    });
  });

  describe('resources.getResource', () => {
    it('finds an active resource within the project and environment only', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const otherEnv = await f.environment(s.project);
      const otherProject = await f.project(s.workspace, s.user);
      const r = await f.resource(s);
      const where = { projectId: s.project.id, environmentId: s.environment.id };
      expect(await ctx.storage.resources.getResource(where, r.id)).toEqual(r);
      expect(await ctx.storage.resources.getResource({ ...where, environmentId: otherEnv.id }, r.id)).toBeNull();
      expect(await ctx.storage.resources.getResource({ ...where, projectId: otherProject.id }, r.id)).toBeNull();
      expect(await ctx.storage.resources.getResource(where, r.id + 1000)).toBeNull();
      await ctx.storage.resources.softDeleteResource(r.id, at(1));
      expect(await ctx.storage.resources.getResource(where, r.id)).toBeNull();
    });
  });

  describe('resources.listResources', () => {
    it('lists active resources of the environment id ascending, filtered by type, region and status', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const otherEnv = await f.environment(s.project);
      const a = await f.resource(s, { region: 'us-east-1', status: 'active' });
      const b = await f.resource(s, { type: 'bucket', region: 'eu-west-1', status: 'active' });
      const c = await f.resource(s, { region: 'eu-west-1', status: 'failed' });
      const gone = await f.resource(s);
      await f.resource({ ...s, environment: otherEnv });
      await ctx.storage.resources.softDeleteResource(gone.id, at(1));
      const ids = async (filter: Parameters<typeof ctx.storage.resources.listResources>[1] = {}) =>
        (await ctx.storage.resources.listResources(s.environment.id, filter, { limit: 100 })).map((r) => r.id);
      expect(await ids()).toEqual([a.id, b.id, c.id]);
      expect(await ids({ type: 'dns' })).toEqual([a.id, c.id]);
      expect(await ids({ region: 'eu-west-1' })).toEqual([b.id, c.id]);
      expect(await ids({ status: 'failed' })).toEqual([c.id]);
      expect(await ids({ type: 'dns', region: 'eu-west-1', status: 'active' })).toEqual([]);
      expect(await ctx.storage.resources.listResources(s.environment.id + 1000, {}, { limit: 100 })).toEqual([]);
    });

    it('filters by a list of types and by parent resource', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const zone = await f.resource(s);
      const other = await f.resource(s);
      const www = await f.subdomain(s, zone, 'www');
      const instance = await f.resource(s, { type: 'instance', domainName: null });
      const api = await f.subdomain(s, zone, 'api');
      const elsewhere = await f.subdomain(s, other, 'www');
      await ctx.storage.resources.softDeleteResource((await f.subdomain(s, zone, 'old')).id, at(1));
      const ids = async (filter: Parameters<typeof ctx.storage.resources.listResources>[1], page: IdPage = { limit: 100 }) =>
        (await ctx.storage.resources.listResources(s.environment.id, filter, page)).map((r) => r.id);
      expect(await ids({ type: ['instance', 'subdomain'] })).toEqual([www.id, instance.id, api.id, elsewhere.id]);
      expect(await ids({ type: ['subdomain'] })).toEqual([www.id, api.id, elsewhere.id]);
      expect(await ids({ type: [] })).toEqual([]);
      expect(await ids({ type: ['dns', 'instance'] }, { after: zone.id, limit: 2 })).toEqual([other.id, instance.id]);
      expect(await ids({ parentResourceId: zone.id })).toEqual([www.id, api.id]);
      expect(await ids({ parentResourceId: zone.id, type: 'instance' })).toEqual([]);
      expect(await ids({ parentResourceId: other.id, type: ['subdomain', 'dns'] })).toEqual([elsewhere.id]);
      expect(await ids({ parentResourceId: 2 ** 40 })).toEqual([]);
    });
  });

  describe('resources.countResourcesByType', () => {
    it('groups the active resources of the environment by type', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      await f.resource(s);
      await f.resource(s);
      await f.resource(s, { type: 'bucket' });
      const gone = await f.resource(s, { type: 'queue' });
      await ctx.storage.resources.softDeleteResource(gone.id, at(1));
      expect(await ctx.storage.resources.countResourcesByType(s.environment.id)).toEqual({ dns: 2, bucket: 1 });
      expect(await ctx.storage.resources.countResourcesByType(s.environment.id + 1000)).toEqual({});
    });
  });

  describe('host resources and subdomains are active resources', () => {
    it('countResources, countResourcesByType and listProjectsWithActiveResources count them like zones', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const conn = await f.connection(s.workspace, s.user);
      const zone = await f.resource(s);
      await f.subdomain(s, zone, 'www');
      await f.resource(s, { type: 'instance', domainName: null });
      expect(await ctx.storage.resources.countResources({ projectId: s.project.id })).toBe(3);
      expect(await ctx.storage.resources.countResourcesByType(s.environment.id)).toEqual({ dns: 1, subdomain: 1, instance: 1 });

      const hosting = await f.project(s.workspace, s.user);
      const naming = await f.project(s.workspace, s.user);
      for (const p of [hosting, naming]) await ctx.storage.projects.setProjectConnection({ projectId: p.id, connectionId: conn.id, now: T0 });
      await f.resource({ ...s, project: hosting, environment: await f.environment(hosting) }, { type: 'instance', domainName: null });
      // A subdomain alone keeps its project busy (its zone soft-deleted here, as storage allows).
      const namingScope = { ...s, project: naming, environment: await f.environment(naming) };
      const namingZone = await f.resource(namingScope);
      await f.subdomain(namingScope, namingZone, 'www');
      await ctx.storage.resources.softDeleteResource(namingZone.id, at(1));
      const busy = await ctx.storage.projects.listProjectsWithActiveResources(conn.id);
      expect(busy.map((p) => p.id).sort((a, b) => a - b)).toEqual([hosting.id, naming.id]);
      expect(await ctx.storage.resources.countResources({ workspaceId: s.workspace.id })).toBe(5);
    });
  });

  describe('resources.countResources', () => {
    it('counts active resources of a workspace or of a project', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const p2 = await f.project(s.workspace, s.user);
      const e2 = await f.environment(p2);
      await f.resource(s);
      const gone = await f.resource(s);
      await f.resource({ ...s, project: p2, environment: e2 });
      await f.resource({ ...s, project: p2, environment: e2 });
      await ctx.storage.resources.softDeleteResource(gone.id, at(1));
      expect(await ctx.storage.resources.countResources({ workspaceId: s.workspace.id })).toBe(3);
      expect(await ctx.storage.resources.countResources({ projectId: s.project.id })).toBe(1);
      expect(await ctx.storage.resources.countResources({ projectId: p2.id })).toBe(2);
      expect(await ctx.storage.resources.countResources({ workspaceId: s.workspace.id + 1000 })).toBe(0);
    });
  });

  describe('resources.dnsDomainTaken', () => {
    it('is true only for an active dns zone of the environment', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const r = await f.resource(s, { domainName: 'taken.example.com' });
      await f.resource(s, { type: 'bucket', domainName: 'bucket.example.com' });
      expect(await ctx.storage.resources.dnsDomainTaken(s.environment.id, 'taken.example.com')).toBe(true);
      expect(await ctx.storage.resources.dnsDomainTaken(s.environment.id, 'bucket.example.com')).toBe(false);
      expect(await ctx.storage.resources.dnsDomainTaken(s.environment.id + 1000, 'taken.example.com')).toBe(false);
      await ctx.storage.resources.softDeleteResource(r.id, at(1));
      expect(await ctx.storage.resources.dnsDomainTaken(s.environment.id, 'taken.example.com')).toBe(false);
    });
  });

  describe('resources.updateResource', () => {
    it('writes the patched columns and updated_at only', async () => {
      const s = await scope();
      const r = await fixtures(ctx.storage).resource(s, { name: 'before' });
      const updated = await ctx.storage.resources.updateResource(
        r.id,
        { resourceId: 'Z9', status: 'syncing', metadata: { recordCount: 3 }, secretData: 'sealed-token', positionX: 1.5 },
        at(2),
      );
      expect(updated).toMatchObject({ id: r.id, resourceId: 'Z9', name: 'before', status: 'syncing', secretData: 'sealed-token', positionX: 1.5, positionY: null, updatedAt: at(2) });
      const row = await ctx.row('resources', r.id);
      expect([row.resource_id, row.name, row.status, row.secret_data, raw.num(row.position_x), row.position_y]).toEqual(['Z9', 'before', 'syncing', 'sealed-token', 1.5, null]);
      expect(raw.json(row.metadata)).toEqual({ recordCount: 3 });
      expect(raw.time(row.updated_at)).toBe(at(2).getTime());
      expect(raw.time(row.created_at)).toBe(T0.getTime());
    });

    it('patches domainName, also into a subdomain conflict (resources.subdomain)', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const zone = await f.resource(s, { domainName: 'example.com' });
      const www = await f.subdomain(s, zone, 'www');
      const api = await f.subdomain(s, zone, 'api');
      expect(await ctx.storage.resources.updateResource(www.id, { domainName: 'w3.example.com' }, at(1))).toMatchObject({ domainName: 'w3.example.com', name: 'www' });
      expect((await ctx.row('resources', www.id)).domain_name).toBe('w3.example.com');
      await expectConflict(ctx.storage.resources.updateResource(api.id, { domainName: 'w3.example.com' }, at(2)), 'resources.subdomain');
      expect((await ctx.row('resources', api.id)).domain_name).toBe('api.example.com');
    });
  });

  describe('resources.softDeleteResource', () => {
    it("sets is_active=false, status 'deleted' and deleted_at", async () => {
      const s = await scope();
      const r = await fixtures(ctx.storage).resource(s);
      await ctx.storage.resources.softDeleteResource(r.id, at(3));
      const row = await ctx.row('resources', r.id);
      expect([raw.bool(row.is_active), row.status, raw.time(row.deleted_at)]).toEqual([false, 'deleted', at(3).getTime()]);
    });
  });

  describe('resources.listSealedSecrets', () => {
    it('lists every resource with secret_data, active or not, id ascending', async () => {
      const s = await scope();
      const f = fixtures(ctx.storage);
      const [a, , c] = [await f.resource(s), await f.resource(s), await f.resource(s)];
      await ctx.storage.resources.updateResource(c.id, { secretData: 'sealed-c' }, T0);
      await ctx.storage.resources.updateResource(a.id, { secretData: 'sealed-a' }, T0);
      await ctx.storage.resources.softDeleteResource(a.id, at(1));
      expect(await ctx.storage.resources.listSealedSecrets()).toEqual([
        { id: a.id, secretData: 'sealed-a' },
        { id: c.id, secretData: 'sealed-c' },
      ]);
    });
  });
}
