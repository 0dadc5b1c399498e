import { describe, expect, it } from 'vitest';
import { useDnsWorld, type DnsWorld } from './dns-fixture.js';
import { describeBackends } from './harness/index.js';

/**
 * The whole lifecycle of docs/resources.md, end to end, once over REST and once over tRPC, on each
 * database, with the real Route 53 SDK against the fake: host resources → zone → subdomains →
 * connections (one ChangeResourceRecordSets each) → sync → re-point → disconnect (a foreign record
 * beside ours survives) → zone delete from the cloud (nothing of ours left).
 */

/** The calls the lifecycle makes, over one transport. */
interface Api {
  register(body: Record<string, unknown>): Promise<{ id: number; metadata: Record<string, unknown> }>;
  updateResource(id: number, body: Record<string, unknown>): Promise<unknown>;
  createZone(body: Record<string, unknown>): Promise<{ id: number; hostedZoneId: string }>;
  createSubdomain(zoneId: number, name: string): Promise<{ id: number; fqdn: string }>;
  listSubdomains(): Promise<{ count: number }>;
  connect(sourceId: number, targetId: number): Promise<{ id: number; records: { name: string; type: string }[] }>;
  repoint(connectionId: number, targetId: number): Promise<unknown>;
  disconnect(connectionId: number): Promise<unknown>;
  listConnections(): Promise<{ count: number }>;
  sync(zoneId: number): Promise<{ dns_active: boolean; domainChecked: string }>;
  deleteResource(id: number): Promise<unknown>;
}

function restApi(w: DnsWorld): Api {
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, expected: number, body?: unknown) => {
    const res = await w.server.rest(method, `${w.base}${path}`, { token: w.token, ...(body === undefined ? {} : { body }) });
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(expected);
    return res.body;
  };
  return {
    register: async (body) => (await call('POST', '/resources', 201, body)).data,
    updateResource: (id, body) => call('PATCH', `/resources/${id}`, 200, body),
    createZone: async (body) => (await call('POST', '/dns', 201, body)).data,
    createSubdomain: async (zoneId, name) => (await call('POST', '/subdomains', 201, { zoneId, name })).data,
    listSubdomains: () => call('GET', '/subdomains', 200),
    connect: async (sourceId, targetId) => (await call('POST', '/resource-connections', 201, { sourceId, targetId })).data,
    repoint: (id, targetId) => call('PATCH', `/resource-connections/${id}`, 200, { targetId }),
    disconnect: (id) => call('DELETE', `/resource-connections/${id}`, 200),
    listConnections: () => call('GET', '/resource-connections', 200),
    sync: async (zoneId) => (await call('PUT', `/resources/${zoneId}/sync`, 200)).data,
    deleteResource: (id) => call('DELETE', `/resources/${id}?deleteFromCloud=true`, 200),
  };
}

function trpcApi(w: DnsWorld): Api {
  const c = w.server.trpcClient(w.token);
  const env = w.env;
  return {
    register: async (body) => (await c.resources.register.mutate({ ...env, ...body } as never)).data as never,
    updateResource: (id, body) => c.resources.update.mutate({ ...env, resourceId: id, ...body } as never),
    createZone: async (body) => (await c.dns.createZone.mutate({ ...env, ...body } as never)).data as never,
    createSubdomain: async (zoneId, name) => (await c.subdomains.create.mutate({ ...env, zoneId, name } as never)).data as never,
    listSubdomains: () => c.subdomains.list.query({ ...env } as never) as never,
    connect: async (sourceId, targetId) => (await c.resourceConnections.create.mutate({ ...env, sourceId, targetId } as never)).data as never,
    repoint: (id, targetId) => c.resourceConnections.update.mutate({ ...env, id, targetId } as never),
    disconnect: (id) => c.resourceConnections.delete.mutate({ ...env, id } as never),
    listConnections: () => c.resourceConnections.list.query({ ...env } as never) as never,
    sync: async (zoneId) => (await c.resources.sync.mutate({ ...env, resourceId: zoneId } as never)).data as never,
    deleteResource: (id) => c.resources.delete.mutate({ ...env, resourceId: id, deleteFromCloud: 'true' } as never),
  };
}

const ALB = 'web-alb-1234567890.us-east-1.elb.amazonaws.com';
/** The ALB hosted-zone id of us-east-1. */
const ALB_ZONE = 'Z35SXDOTRQ7X7K';

describeBackends('resources, subdomains and connections: the whole lifecycle', (backend) => {
  describe.each(['REST', 'tRPC'] as const)('over %s', (transport) => {
    const w = useDnsWorld(backend, { resolveFromZones: true });

    it(`runs register → connect → sync → re-point → disconnect → zone delete over ${transport}`, { timeout: 60_000 }, async () => {
      const api = transport === 'REST' ? restApi(w) : trpcApi(w);
      const changes = () => w.r53.counts.ChangeResourceRecordSets;

      const instance = await api.register({ resourceType: 'instance', name: 'web-1', providerResourceId: 'i-0web1', region: 'us-east-1', dnsTarget: { addresses: ['192.0.2.10'] } });
      const alb = await api.register({ resourceType: 'scalable_server', name: 'web-alb', region: 'us-east-1', dnsTarget: { alias: { dnsName: ALB } } });
      expect(alb.metadata.dnsTarget).toMatchObject({ alias: { dnsName: `${ALB}.`, hostedZoneId: ALB_ZONE, evaluateTargetHealth: false } });

      await w.linkAws();
      const zone = await api.createZone({ name: 'main', domainName: 'example.com' });
      // A record someone else put in the zone: never ours to remove.
      w.r53.seed(zone.hostedZoneId, [{ name: 'mail.example.com.', type: 'A', ttl: 600, values: ['198.51.100.7'] }]);

      const www = await api.createSubdomain(zone.id, 'www');
      const apex = await api.createSubdomain(zone.id, '@');
      expect(www.fqdn).toBe('www.example.com');
      expect(apex.fqdn).toBe('example.com');
      expect((await api.listSubdomains()).count).toBe(2);

      let before = changes();
      const toInstance = await api.connect(www.id, instance.id);
      expect(changes() - before).toBe(1);
      expect(toInstance.records.map((r) => `${r.name} ${r.type}`).sort()).toEqual(['_gateways_app.www.example.com. TXT', 'www.example.com. A']);
      before = changes();
      const toAlb = await api.connect(apex.id, alb.id);
      expect(changes() - before).toBe(1);

      const sets = () => w.r53.recordSets(zone.hostedZoneId).filter((s) => s.type !== 'NS' && s.type !== 'SOA');
      const at = (name: string, type: string) => sets().find((s) => s.name === name && s.type === type);
      expect(at('www.example.com.', 'A')?.values).toEqual(['192.0.2.10']);
      expect(at('example.com.', 'A')?.aliasTarget).toEqual({ hostedZoneId: ALB_ZONE, dnsName: `${ALB}.`, evaluateTargetHealth: false });
      expect(at('_gateways_app.www.example.com.', 'TXT')?.values).toEqual(['"installed"']);
      expect(at('_gateways_app.example.com.', 'TXT')?.values).toEqual(['"installed"']);

      const synced = await api.sync(zone.id);
      expect(synced).toMatchObject({ dns_active: true, domainChecked: 'www.example.com' });

      // Re-point: the instance moves (one UPSERT batch), then www follows the load balancer instead.
      before = changes();
      await api.updateResource(instance.id, { dnsTarget: { addresses: ['192.0.2.20'] } });
      expect(changes() - before).toBe(1);
      expect(at('www.example.com.', 'A')?.values).toEqual(['192.0.2.20']);
      before = changes();
      await api.repoint(toInstance.id, alb.id);
      expect(changes() - before).toBe(1);
      expect(at('www.example.com.', 'A')?.aliasTarget?.dnsName).toBe(`${ALB}.`);

      await api.disconnect(toInstance.id);
      expect(at('www.example.com.', 'A')).toBeUndefined();
      expect(at('_gateways_app.www.example.com.', 'TXT')).toBeUndefined();
      expect(at('mail.example.com.', 'A')?.values).toEqual(['198.51.100.7']);
      expect(at('example.com.', 'A')?.aliasTarget).toBeDefined();
      expect((await api.sync(zone.id)).domainChecked).toBe('example.com');
      expect(toAlb.id).toBeGreaterThan(0);

      await api.deleteResource(zone.id);
      expect(w.r53.zones.has(zone.hostedZoneId)).toBe(false);
      expect((await api.listSubdomains()).count).toBe(0);
      expect((await api.listConnections()).count).toBe(0);
      // The host's resources stay: they are the host's. The PATCH never took the path's id for the
      // host's own id (`resourceId` in the object, `providerResourceId` in bodies).
      const kept = await w.server.rest('GET', `${w.base}/resources/${instance.id}`, { token: w.token });
      expect(kept.status).toBe(200);
      expect(kept.body.data).toMatchObject({ resourceId: 'i-0web1', metadata: { dnsTarget: { addresses: ['192.0.2.20'] } } });
      await api.deleteResource(instance.id);
      await api.deleteResource(alb.id);
    });
  });
});
