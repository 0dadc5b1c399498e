import { afterAll, beforeAll, expect, it } from 'vitest';
import { CF_TOKEN, startDnsWorld, type DnsWorld } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/** The answer of a write sent without `dryRun` (a tRPC output lists the plan answer beside it). */
function applied<T>(answer: T): Exclude<T, { dryRun: true }> {
  if ((answer as { dryRun?: unknown }).dryRun === true) throw new Error('a write without dryRun answered a plan');
  return answer as Exclude<T, { dryRun: true }>;
}

/**
 * Resource connections over REST and tRPC (docs/resources.md#resource-connections), on the real
 * Route 53 and Cloudflare SDKs against the sandbox fakes: one provider batch per connect and per
 * re-point, record sets of others never overwritten nor removed, sync's `domainChecked`, and what a
 * zone delete leaves.
 */
describeBackends('resource connections', (backend) => {
  let w: DnsWorld;
  let r53: { id: number; hostedZoneId: string };
  let cf: { id: number; hostedZoneId: string };
  beforeAll(async () => {
    w = await startDnsWorld(backend);
    await w.linkAws();
    const z = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'r53', domainName: 'myapp.com' } });
    r53 = { id: z.body.data.id, hostedZoneId: z.body.data.hostedZoneId };
    w.cf.addZone('cf.example', [CF_TOKEN]);
    const c = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'cf', domainName: 'cf.example', cloudflareApiToken: CF_TOKEN } });
    cf = { id: c.body.data.id, hostedZoneId: c.body.data.hostedZoneId };
  });
  afterAll(() => w.close());

  const rest = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, body?: Record<string, unknown>) =>
    w.server.rest(method, `${w.base}${path}`, { token: w.token, ...(body ? { body } : {}) });
  const host = async (name: string, dnsTarget: unknown) => {
    const res = await rest('POST', '/resources', { resourceType: 'instance', name, dnsTarget });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as number;
  };
  const subdomain = async (zoneId: number, name: string) => {
    const res = await rest('POST', '/subdomains', { zoneId, name });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as number;
  };
  const r53Sets = () => w.r53.recordSets(r53.hostedZoneId).filter((s) => s.type !== 'NS' && s.type !== 'SOA');
  const r53Names = () => r53Sets().map((s) => `${s.name} ${s.type}`);
  const cfNames = () => w.cf.records(cf.hostedZoneId).map((r) => `${r.name} ${r.type}`).sort();

  it('connects with exactly one ChangeResourceRecordSets; sync checks the connected name; the subdomain shows it', async () => {
    const web = await host('web-1', { addresses: ['192.0.2.10', '2001:db8::10'] });
    const www = await subdomain(r53.id, 'www');
    const changes = w.r53.counts.ChangeResourceRecordSets;
    const res = await rest('POST', '/resource-connections', { sourceId: www, targetId: web });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(w.r53.counts.ChangeResourceRecordSets - changes).toBe(1);
    expect(res.body).toMatchObject({
      message: 'Resource connection created successfully',
      data: {
        connectionType: 'dns',
        status: 'active',
        source: { id: www, resourceType: 'subdomain', name: 'www' },
        target: { id: web, resourceType: 'instance', name: 'web-1' },
        zoneId: r53.id,
        recordName: 'www.myapp.com.',
        changeId: expect.any(String),
      },
    });
    expect(r53Names()).toEqual(['www.myapp.com. A', 'www.myapp.com. AAAA', '_gateways_app.www.myapp.com. TXT']);
    expect(w.r53.lookup('_gateways_app.www.myapp.com', 'TXT')[0]?.values).toEqual(['"installed"']);

    const sub = await rest('GET', `/subdomains/${www}`);
    expect(sub.body.data.connection).toEqual({ id: res.body.data.id, targetId: web, status: 'active' });
    const listed = await rest('GET', `/resource-connections?resourceId=${web}`);
    expect(listed.body).toMatchObject({ message: 'Resource connections retrieved successfully', count: 1, nextCursor: null });

    w.resolver.setTxt('_gateways_app.www.myapp.com', [['installed']]);
    const synced = await rest('PUT', `/resources/${r53.id}/sync`);
    expect(synced.status, JSON.stringify(synced.body)).toBe(200);
    expect(synced.body.data).toMatchObject({ domainChecked: 'www.myapp.com', dns_active: true });
    expect(w.resolver.queries.at(-1)).toBe('_gateways_app.www.myapp.com');
  });

  it('writes alias A (and AAAA when dualStack) at a Route 53 apex; a hostname target there is 400', async () => {
    const alb = await host('alb', { alias: { dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com', dualStack: true } });
    const lb = await host('lb', { hostname: 'lb-1.hosting.example.net' });
    const apex = await subdomain(r53.id, '@');
    const refused = await rest('POST', '/resource-connections', { sourceId: apex, targetId: lb });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^targetId: a hostname target cannot be connected at the zone apex/);
    const res = await rest('POST', '/resource-connections', { sourceId: apex, targetId: alb });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const alias = { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com.', evaluateTargetHealth: false };
    expect(res.body.data.records.slice(0, 2)).toEqual([
      { name: 'myapp.com.', type: 'A', ttl: null, values: [alias.dnsName], alias },
      { name: 'myapp.com.', type: 'AAAA', ttl: null, values: [alias.dnsName], alias },
    ]);
    const atApex = r53Sets().filter((s) => s.name === 'myapp.com.' && s.aliasTarget);
    expect(atApex.map((s) => s.type)).toEqual(['A', 'AAAA']);
    expect(atApex[0]?.aliasTarget).toMatchObject({ hostedZoneId: 'Z35SXDOTRQ7X7K' });
  });

  it('refuses a record set it did not write (409 DNS record conflict), sending nothing and keeping no row', async () => {
    const web = await host('web-c', { addresses: ['192.0.2.30'] });
    const shop = await subdomain(r53.id, 'shop');
    w.r53.seed(r53.hostedZoneId, [{ name: 'shop.myapp.com.', type: 'TXT', ttl: 300, values: ['"theirs"'] }, { name: 'shop.myapp.com.', type: 'CNAME', ttl: 300, values: ['elsewhere.example.'] }]);
    const changes = w.r53.counts.ChangeResourceRecordSets;
    const res = await rest('POST', '/resource-connections', { sourceId: shop, targetId: web });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'DNS record conflict', message: 'shop.myapp.com. CNAME already exists at the DNS provider and was not created by cloudlink' });
    expect(w.r53.counts.ChangeResourceRecordSets).toBe(changes);
    expect((await rest('GET', `/resource-connections?resourceId=${shop}`)).body.count).toBe(0);
  });

  it('re-points in one batch: through PATCH of the target dnsTarget, and PATCH of the connection', async () => {
    const web = await host('web-r', { addresses: ['192.0.2.40'] });
    const api = await subdomain(r53.id, 'api');
    const created = await rest('POST', '/resource-connections', { sourceId: api, targetId: web });
    expect(created.status).toBe(201);
    const at = (name: string) => r53Sets().filter((s) => s.name === name).map((s) => `${s.type} ${s.values.join(',')}`);

    let changes = w.r53.counts.ChangeResourceRecordSets;
    const patched = await rest('PATCH', `/resources/${web}`, { dnsTarget: { hostname: 'lb-2.hosting.example.net' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.message).toBe('Resource updated successfully');
    expect(w.r53.counts.ChangeResourceRecordSets - changes).toBe(1);
    expect(at('api.myapp.com.')).toEqual(['CNAME lb-2.hosting.example.net.']);

    const cleared = await rest('PATCH', `/resources/${web}`, { dnsTarget: null });
    expect(cleared.status).toBe(409);
    expect(cleared.body.error).toBe('Resource in use');
    expect((await rest('PATCH', `/resources/${r53.id}`, { name: 'x' })).body.error).toBe('Resource not registrable');

    const other = await host('web-r2', { addresses: ['192.0.2.41', '192.0.2.42'] });
    changes = w.r53.counts.ChangeResourceRecordSets;
    const moved = await rest('PATCH', `/resource-connections/${created.body.data.id}`, { targetId: other, ttl: 600 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.message).toBe('Resource connection updated successfully');
    expect(w.r53.counts.ChangeResourceRecordSets - changes).toBe(1);
    expect(at('api.myapp.com.')).toEqual(['A 192.0.2.41,192.0.2.42']);
    expect(moved.body.data.target.id).toBe(other);
    expect(moved.body.data.records.every((r: { ttl: number }) => r.ttl === 600)).toBe(true);
  });

  it('disconnect removes exactly its record sets and leaves a foreign one at the same name (Cloudflare)', async () => {
    const web = await host('web-cf', { addresses: ['192.0.2.50'] });
    const www = await subdomain(cf.id, 'www');
    const res = await rest('POST', '/resource-connections', { sourceId: www, targetId: web, proxied: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(w.cf.records(cf.hostedZoneId).find((r) => r.type === 'A')?.proxied).toBe(true);
    w.cf.seed(cf.hostedZoneId, [{ name: 'www.cf.example', type: 'MX', ttl: 300, content: 'mail.example.net', priority: 10 }]);
    expect(cfNames()).toEqual(['_gateways_app.www.cf.example TXT', 'www.cf.example A', 'www.cf.example MX']);
    const gone = await rest('DELETE', `/resource-connections/${res.body.data.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({ message: 'Resource connection deleted successfully', data: { id: res.body.data.id } });
    expect(cfNames()).toEqual(['www.cf.example MX']);
    expect((await rest('GET', `/resource-connections/${res.body.data.id}`)).body.error).toBe('Resource connection not found');
    expect((await rest('GET', '/resource-connections/abc')).body.error).toBe('Invalid resource connection ID');
  });

  it('two concurrent connects of one subdomain: one wins, the other is 409', async () => {
    const a = await host('race-a', { addresses: ['192.0.2.61'] });
    const b = await host('race-b', { addresses: ['192.0.2.62'] });
    const race = await subdomain(cf.id, 'race');
    const client = w.server.trpcClient(w.token);
    const [viaRest, viaTrpc] = await Promise.all([
      rest('POST', '/resource-connections', { sourceId: race, targetId: a }),
      client.resourceConnections.create.mutate({ ...w.env, sourceId: race, targetId: b }).then(
        (ok) => ({ won: true as const, ok }),
        async (e: unknown) => ({ won: false as const, failure: await trpcFailure(Promise.reject(e)) }),
      ),
    ]);
    expect([viaRest.status === 201, viaTrpc.won].filter(Boolean)).toHaveLength(1);
    const loser = viaTrpc.won ? viaRest.body : viaTrpc.failure;
    expect(loser).toMatchObject({ error: 'Subdomain already connected' });
    expect(w.cf.records(cf.hostedZoneId).filter((r) => r.name === 'race.cf.example')).toHaveLength(1);
  });

  it('over tRPC: list, get, update, delete; deleting a subdomain disconnects it', async () => {
    const client = w.server.trpcClient(w.token);
    const web = await host('web-t', { addresses: ['192.0.2.70'] });
    const t = await subdomain(cf.id, 'trpc');
    const created = applied(await client.resourceConnections.create.mutate({ ...w.env, sourceId: t, targetId: web }));
    expect(created.data.status).toBe('active');
    const got = await client.resourceConnections.get.query({ ...w.env, id: created.data.id });
    expect(got.data.recordName).toBe('trpc.cf.example.');
    const page = await client.resourceConnections.list.query({ ...w.env, resourceId: t, limit: 1 });
    expect(page.data.map((c) => c.id)).toEqual([created.data.id]);
    const updated = applied(await client.resourceConnections.update.mutate({ ...w.env, id: created.data.id, ttl: 120 }));
    expect(updated.data.records[0]?.ttl).toBe(120);
    const removed = await client.subdomains.delete.mutate({ ...w.env, id: t });
    expect(removed).toEqual({ message: 'Subdomain deleted successfully', data: { id: t } });
    expect(w.cf.records(cf.hostedZoneId).filter((r) => r.name.endsWith('trpc.cf.example'))).toEqual([]);
    expect(await trpcFailure(client.resourceConnections.get.query({ ...w.env, id: created.data.id }))).toMatchObject({ error: 'Resource connection not found' });
    // A host resource with connections is disconnected before it goes.
    const u = await subdomain(cf.id, 'host-delete');
    await client.resourceConnections.create.mutate({ ...w.env, sourceId: u, targetId: web });
    expect((await rest('DELETE', `/resources/${web}`)).status).toBe(200);
    expect(w.cf.records(cf.hostedZoneId).filter((r) => r.name.endsWith('host-delete.cf.example'))).toEqual([]);
    expect((await rest('GET', `/subdomains/${u}`)).body.data.connection).toBeNull();
  });

  it('zone delete removes every record set of ours (connections first) and keeps the rest; subdomains and connections go with it', async () => {
    const web = await host('web-z', { addresses: ['192.0.2.80'] });
    const z = await subdomain(cf.id, 'zone-del');
    expect((await rest('POST', '/resource-connections', { sourceId: z, targetId: web })).status).toBe(201);
    w.cf.seed(cf.hostedZoneId, [{ name: 'keep.cf.example', type: 'A', ttl: 300, content: '198.51.100.9' }]);
    const before = cfNames();
    expect(before).toContain('zone-del.cf.example A');
    const deleted = await rest('DELETE', `/resources/${cf.id}?deleteFromCloud=true`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(cfNames()).toEqual(before.filter((n) => !n.includes('zone-del.cf.example') && !n.includes('race.cf.example')));
    expect((await rest('GET', `/subdomains/${z}`)).body.error).toBe('Subdomain not found');
    expect((await rest('GET', `/resource-connections?resourceId=${web}`)).body.count).toBe(0);
  });
});
