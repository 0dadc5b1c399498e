import { describe, expect, it } from 'vitest';
import type { ConnectionRecordSet, ResourceConnectionStatus } from '../../../domain/records.js';
import type { IdPage } from '../../../ports/storage.js';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** Past every id, and past the id column's range (Postgres `integer`). */
const BEYOND = 2 ** 40;

/** Record sets of every shape a connection writes: plain, proxied, alias (ttl null), TXT marker. */
const RECORDS: ConnectionRecordSet[] = [
  { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'], proxied: true },
  { name: 'www.example.com.', type: 'AAAA', ttl: null, values: ['my-alb-1234.us-east-1.elb.amazonaws.com.'], alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com.', evaluateTargetHealth: false } },
  { name: '_gateways_app.www.example.com.', type: 'TXT', ttl: 300, values: ['"installed"'], proxied: false },
];

/** resourceConnections.*: links between resources and the record sets they wrote (docs/resources.md). */
export function describeResourceConnections(ctx: StorageConformanceContext): void {
  const f = () => fixtures(ctx.storage);
  /** A scope with a zone, a subdomain of it and a host resource to point at. */
  async function world() {
    const s = await f().scope();
    const zone = await f().resource(s, { domainName: 'example.com' });
    const sub = await f().subdomain(s, zone, 'www');
    const target = await f().resource(s, { type: 'instance', domainName: null, name: 'web-1' });
    return { s, zone, sub, target };
  }

  describe('resourceConnections.createResourceConnection', () => {
    it('stores every column; records and options as JSON, alias and proxied fields included', async () => {
      const { s, zone, sub, target } = await world();
      const c = await ctx.storage.resourceConnections.createResourceConnection({
        workspaceId: s.workspace.id, projectId: s.project.id, environmentId: s.environment.id, connectionType: 'dns',
        sourceResourceId: sub.id, targetResourceId: target.id, zoneResourceId: zone.id, status: 'pending',
        records: RECORDS, options: { ttl: 300, proxied: true }, createdBy: s.user.id, now: T0,
      });
      expect(c).toEqual({
        id: c.id, workspaceId: s.workspace.id, projectId: s.project.id, environmentId: s.environment.id, connectionType: 'dns',
        sourceResourceId: sub.id, targetResourceId: target.id, zoneResourceId: zone.id, status: 'pending', records: RECORDS,
        options: { ttl: 300, proxied: true }, createdBy: s.user.id, isActive: true, createdAt: T0, updatedAt: T0, deletedAt: null,
      });
      const row = await ctx.row('resource_connections', c.id);
      expect(
        ['workspace_id', 'project_id', 'environment_id', 'source_resource_id', 'target_resource_id', 'zone_resource_id', 'created_by'].map((k) => raw.num(row[k])),
      ).toEqual([s.workspace.id, s.project.id, s.environment.id, sub.id, target.id, zone.id, s.user.id]);
      expect([row.connection_type, row.status, raw.bool(row.is_active), raw.time(row.created_at), raw.time(row.updated_at), row.deleted_at]).toEqual([
        'dns', 'pending', true, T0.getTime(), T0.getTime(), null,
      ]);
      expect(raw.json(row.records)).toEqual(RECORDS);
      expect(raw.json(row.options)).toEqual({ ttl: 300, proxied: true });
    });

    it('stores a connection without a zone', async () => {
      const { s, sub, target } = await world();
      const c = await f().resourceConnection(s, { source: sub, target, zone: null, records: [] });
      expect([c.zoneResourceId, c.records]).toEqual([null, []]);
      expect((await ctx.row('resource_connections', c.id)).zone_resource_id).toBeNull();
    });

    it('refuses a second active connection of the same source: resource_connections.source', async () => {
      const { s, sub, target } = await world();
      const other = await f().resource(s, { type: 'instance', domainName: null });
      await f().resourceConnection(s, { source: sub, target });
      await expectConflict(f().resourceConnection(s, { source: sub, target: other }), 'resource_connections.source');
      expect(await ctx.rows('resource_connections')).toHaveLength(1);
    });

    it('a soft-deleted connection frees its source; several sources may share a target', async () => {
      const { s, zone, sub, target } = await world();
      const first = await f().resourceConnection(s, { source: sub, target });
      expect(await ctx.storage.resourceConnections.softDeleteResourceConnection(first.id, at(1))).toBe(true);
      const again = await f().resourceConnection(s, { source: sub, target, status: 'pending' });
      const api = await f().subdomain(s, zone, 'api');
      await f().resourceConnection(s, { source: api, target });
      expect((await ctx.storage.resourceConnections.listConnectionsOfResource(sub.id)).map((c) => c.id)).toEqual([again.id]);
      expect(await ctx.rows('resource_connections')).toHaveLength(3);
    });

    it('refuses a resource that does not exist (foreign key), writing nothing', async () => {
      const { s, sub, target } = await world();
      const missing = { ...target, id: target.id + 1000 };
      await expect(f().resourceConnection(s, { source: sub, target: missing })).rejects.toThrow();
      await expect(f().resourceConnection(s, { source: missing, target, zone: null })).rejects.toThrow();
      expect(await ctx.rows('resource_connections')).toEqual([]);
    });

    it('refuses a status outside pending, active, deleting (CHECK)', async () => {
      const { s, sub, target } = await world();
      await expect(f().resourceConnection(s, { source: sub, target, status: 'connected' as ResourceConnectionStatus })).rejects.toThrow();
      expect(await ctx.rows('resource_connections')).toEqual([]);
    });
  });

  describe('resourceConnections.getResourceConnection', () => {
    it('finds an active connection within the project and environment only', async () => {
      const { s, sub, target } = await world();
      const otherEnv = await f().environment(s.project);
      const otherProject = await f().project(s.workspace, s.user);
      const c = await f().resourceConnection(s, { source: sub, target });
      const where = { projectId: s.project.id, environmentId: s.environment.id };
      const get = (scope: typeof where, id: number) => ctx.storage.resourceConnections.getResourceConnection(scope, id);
      expect(await get(where, c.id)).toEqual(c);
      expect(await get({ ...where, environmentId: otherEnv.id }, c.id)).toBeNull();
      expect(await get({ ...where, projectId: otherProject.id }, c.id)).toBeNull();
      expect(await get(where, c.id + 1000)).toBeNull();
      expect(await get(where, BEYOND)).toBeNull();
      await ctx.storage.resourceConnections.softDeleteResourceConnection(c.id, at(1));
      expect(await get(where, c.id)).toBeNull();
    });
  });

  describe('resourceConnections.listResourceConnections', () => {
    it('lists the active connections of the environment by id pages; resourceId matches the source or the target', async () => {
      const { s, zone, target } = await world();
      const other = await f().resource(s, { type: 'instance', domainName: null });
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await f().resourceConnection(s, { source: await f().subdomain(s, zone), target: i % 2 === 0 ? target : other }));
      }
      const gone = await f().resourceConnection(s, { source: await f().subdomain(s, zone), target });
      await ctx.storage.resourceConnections.softDeleteResourceConnection(gone.id, at(1));
      const elsewhere = await f().scope();
      const elsewhereZone = await f().resource(elsewhere);
      await f().resourceConnection(elsewhere, { source: await f().subdomain(elsewhere, elsewhereZone), target: elsewhereZone });

      const list = (filter: { resourceId?: number }, page: IdPage) => ctx.storage.resourceConnections.listResourceConnections(s.environment.id, filter, page);
      const ids = made.map((c) => c.id);
      expect(await list({}, { limit: 100 })).toEqual(made);
      expect((await list({}, { limit: 2 })).map((c) => c.id)).toEqual(ids.slice(0, 2));
      expect((await list({}, { after: ids[1]!, limit: 2 })).map((c) => c.id)).toEqual(ids.slice(2, 4));
      expect((await list({}, { after: ids[3]!, limit: 2 })).map((c) => c.id)).toEqual(ids.slice(4));
      expect(await list({}, { after: BEYOND, limit: 2 })).toEqual([]);
      expect((await list({ resourceId: other.id }, { limit: 100 })).map((c) => c.id)).toEqual([ids[1], ids[3]]);
      expect((await list({ resourceId: target.id }, { after: ids[0]!, limit: 1 })).map((c) => c.id)).toEqual([ids[2]]);
      expect((await list({ resourceId: made[4]!.sourceResourceId }, { limit: 100 })).map((c) => c.id)).toEqual([ids[4]]);
      expect(await list({ resourceId: zone.id }, { limit: 100 })).toEqual([]);
      expect(await list({ resourceId: BEYOND }, { limit: 100 })).toEqual([]);
      expect(await ctx.storage.resourceConnections.listResourceConnections(s.environment.id + 1000, {}, { limit: 100 })).toEqual([]);
    });
  });

  describe('resourceConnections.listConnectionsOfResource and listConnectionsOfZone', () => {
    it('list every active connection of a resource (source or target) or of a zone, id ascending', async () => {
      const { s, zone, sub, target } = await world();
      const otherZone = await f().resource(s, { domainName: 'example.org' });
      const a = await f().resourceConnection(s, { source: sub, target });
      const b = await f().resourceConnection(s, { source: await f().subdomain(s, otherZone), target });
      const c = await f().resourceConnection(s, { source: await f().subdomain(s, zone), target: otherZone, zone });
      const gone = await f().resourceConnection(s, { source: await f().subdomain(s, zone), target });
      await ctx.storage.resourceConnections.softDeleteResourceConnection(gone.id, at(1));
      const ofResource = async (id: number) => (await ctx.storage.resourceConnections.listConnectionsOfResource(id)).map((x) => x.id);
      const ofZone = async (id: number) => (await ctx.storage.resourceConnections.listConnectionsOfZone(id)).map((x) => x.id);
      expect(await ctx.storage.resourceConnections.listConnectionsOfResource(target.id)).toEqual([a, b]);
      expect(await ofResource(sub.id)).toEqual([a.id]);
      expect(await ofResource(otherZone.id)).toEqual([c.id]);
      expect(await ofResource(zone.id)).toEqual([]);
      expect(await ofResource(BEYOND)).toEqual([]);
      expect(await ctx.storage.resourceConnections.listConnectionsOfZone(zone.id)).toEqual([a, c]);
      expect(await ofZone(otherZone.id)).toEqual([b.id]);
      expect(await ofZone(target.id)).toEqual([]);
      expect(await ofZone(BEYOND)).toEqual([]);
    });
  });

  describe('resourceConnections.updateResourceConnection', () => {
    it('writes the patched columns and updated_at only; records round-trip exactly', async () => {
      const { s, sub, target } = await world();
      const next = await f().resource(s, { type: 'storage_bucket', domainName: null });
      const c = await f().resourceConnection(s, { source: sub, target, status: 'pending' });
      const activated = await ctx.storage.resourceConnections.updateResourceConnection(c.id, { status: 'active' }, at(1));
      expect(activated).toEqual({ ...c, status: 'active', updatedAt: at(1) });
      const repointed = await ctx.storage.resourceConnections.updateResourceConnection(
        c.id,
        { records: RECORDS, options: { ttl: 60, proxied: false }, targetResourceId: next.id },
        at(2),
      );
      expect(repointed).toEqual({ ...activated, records: RECORDS, options: { ttl: 60, proxied: false }, targetResourceId: next.id, updatedAt: at(2) });
      expect(await ctx.storage.resourceConnections.getResourceConnection({ projectId: s.project.id, environmentId: s.environment.id }, c.id)).toEqual(repointed);
      const row = await ctx.row('resource_connections', c.id);
      expect([row.status, raw.num(row.target_resource_id), raw.num(row.source_resource_id), raw.time(row.updated_at), raw.time(row.created_at)]).toEqual([
        'active', next.id, sub.id, at(2).getTime(), T0.getTime(),
      ]);
      expect(raw.json(row.records)).toEqual(RECORDS);
      expect(raw.json(row.options)).toEqual({ ttl: 60, proxied: false });
      const cleared = await ctx.storage.resourceConnections.updateResourceConnection(c.id, { status: 'deleting', records: [] }, at(3));
      expect([cleared.status, cleared.records, cleared.options]).toEqual(['deleting', [], { ttl: 60, proxied: false }]);
    });

    it('throws for a missing connection and refuses an unknown status or target, changing nothing', async () => {
      const { s, sub, target } = await world();
      const c = await f().resourceConnection(s, { source: sub, target });
      const update = ctx.storage.resourceConnections.updateResourceConnection;
      await expect(update(c.id + 1000, { status: 'active' }, at(1))).rejects.toThrow();
      await expect(update(c.id, { status: 'connected' as ResourceConnectionStatus }, at(1))).rejects.toThrow();
      await expect(update(c.id, { targetResourceId: target.id + 1000 }, at(1))).rejects.toThrow();
      expect(await ctx.storage.resourceConnections.getResourceConnection({ projectId: s.project.id, environmentId: s.environment.id }, c.id)).toEqual(c);
    });
  });

  describe('resourceConnections.softDeleteResourceConnection', () => {
    it('sets is_active=false and deleted_at; false when it was not active', async () => {
      const { s, sub, target } = await world();
      const c = await f().resourceConnection(s, { source: sub, target });
      expect(await ctx.storage.resourceConnections.softDeleteResourceConnection(c.id, at(3))).toBe(true);
      const row = await ctx.row('resource_connections', c.id);
      expect([raw.bool(row.is_active), raw.time(row.deleted_at), raw.time(row.updated_at), row.status]).toEqual([false, at(3).getTime(), at(3).getTime(), 'active']);
      expect(await ctx.storage.resourceConnections.softDeleteResourceConnection(c.id, at(4))).toBe(false);
      expect(raw.time((await ctx.row('resource_connections', c.id)).deleted_at)).toBe(at(3).getTime());
      expect(await ctx.storage.resourceConnections.softDeleteResourceConnection(c.id + 1000, at(4))).toBe(false);
    });
  });
}
