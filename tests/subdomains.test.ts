import { afterAll, beforeAll, expect, it } from 'vitest';
import { CF_TOKEN, createZonePair, startDnsWorld, type DnsWorld, type ZonePair } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/**
 * Subdomains (docs/resources.md#subdomains) over real HTTP (REST) and tRPC on a real storage: names by
 * the record model, zones of the environment only, duplicates, permissions, pages, the subdomain
 * object and its connection, counts and plan limits.
 */

describeBackends('subdomains', (backend) => {
  let w: DnsWorld;
  let zones: ZonePair;
  let viewer: string;
  const create = (body: unknown, token = w.token) => w.server.rest('POST', `${w.base}/subdomains`, { token, body });
  const activeSubdomains = async () => (await w.server.peek.rows('resources')).filter((r) => r.resource_type === 'subdomain' && (r.is_active === true || r.is_active === 1));

  beforeAll(async () => {
    w = await startDnsWorld(backend);
    zones = await createZonePair(w);
    const u = await w.server.createUser('viewer@example.com');
    expect((await w.server.rest('POST', '/api/workspaces/acme/members', { token: w.token, body: { email: u.email, role: 'viewer' } })).status).toBe(201);
    viewer = u.token;
  });
  afterAll(() => w.close());

  it('POST …/subdomains creates one (201): relative name, FQDN, parent zone, no connection', async () => {
    const res = await create({ zoneId: zones.r53Id, name: 'WWW' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      message: 'Subdomain created successfully',
      data: {
        id: expect.any(Number),
        name: 'www',
        fqdn: 'www.myapp.com',
        zone: { id: zones.r53Id, domainName: 'myapp.com', provider: 'route53' },
        connection: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const row = (await w.server.peek.rows('resources')).find((r) => Number(r.id) === res.body.data.id);
    expect(row).toMatchObject({ resource_type: 'subdomain', name: 'www', domain_name: 'www.myapp.com', region: 'global', status: 'active', cloud_connection_id: null });
    expect(Number(row!.parent_resource_id)).toBe(zones.r53Id);
    // It also is a resource of type subdomain.
    const asResource = await w.server.rest('GET', `${w.base}/resources/${res.body.data.id}`, { token: w.token });
    expect(asResource.body.data).toMatchObject({ resourceType: 'subdomain', name: 'www', region: 'global', status: 'active' });
  });

  it('names follow the record model: apex, nested, wildcard, absolute inside the zone, IDN', async () => {
    const made = async (zoneId: number, name: string) => {
      const res = await create({ zoneId, name });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(201);
      return [res.body.data.name, res.body.data.fqdn];
    };
    expect(await made(zones.r53Id, '@')).toEqual(['@', 'myapp.com']);
    expect(await made(zones.r53Id, 'api.v2')).toEqual(['api.v2', 'api.v2.myapp.com']);
    expect(await made(zones.r53Id, '*.preview')).toEqual(['*.preview', '*.preview.myapp.com']);
    expect(await made(zones.r53Id, 'Shop.MyApp.com.')).toEqual(['shop', 'shop.myapp.com']);
    expect(await made(zones.r53Id, 'blog.myapp.com')).toEqual(['blog', 'blog.myapp.com']);
    expect(await made(zones.cfId, 'bücher')).toEqual(['xn--bcher-kva', 'xn--bcher-kva.cf.example']);
    // The same name over tRPC in the other zone is another subdomain.
    const viaTrpc = await w.server.trpcClient(w.token).subdomains.create.mutate({ ...w.env, zoneId: zones.cfId, name: 'www' });
    expect(viaTrpc.data).toMatchObject({ name: 'www', fqdn: 'www.cf.example', zone: { id: zones.cfId, domainName: 'cf.example', provider: 'cloudflare' } });
  });

  it('the same name twice in one zone → 409 Subdomain already exists, whatever its spelling', async () => {
    const before = (await activeSubdomains()).length;
    for (const name of ['www', 'WWW.myapp.com.', 'www.myapp.com']) {
      const res = await create({ zoneId: zones.r53Id, name });
      expect([res.status, res.body]).toEqual([409, { error: 'Subdomain already exists', message: 'A subdomain www.myapp.com already exists in this zone' }]);
    }
    expect(await trpcFailure(w.server.trpcClient(w.token).subdomains.create.mutate({ ...w.env, zoneId: zones.r53Id, name: '@' }))).toEqual({
      error: 'Subdomain already exists',
      message: 'A subdomain myapp.com already exists in this zone',
    });
    expect((await activeSubdomains()).length).toBe(before);
  });

  it('bad names and zones: 400 naming the field, 404 DNS zone not found; nothing written', async () => {
    const before = (await activeSubdomains()).length;
    const bad: [unknown, number, string, string][] = [
      [{ zoneId: zones.r53Id, name: 'www.other.com.' }, 400, 'Validation failed', 'name: "www.other.com." is not in zone myapp.com'],
      [{ zoneId: zones.r53Id, name: 'a b' }, 400, 'Validation failed', 'name: "a b" is not a valid DNS name'],
      [{ zoneId: zones.r53Id, name: 'a.*' }, 400, 'Validation failed', 'name: "a.*" is not a valid DNS name'],
      [{ zoneId: zones.r53Id, name: '' }, 400, 'Validation failed', 'name: "" is not a valid DNS name'],
      [{ zoneId: zones.r53Id, name: `${'a'.repeat(63)}.`.repeat(4) }, 400, 'Validation failed', 'name: must be at most 253 characters'],
      [{ zoneId: zones.r53Id, name: 'x'.repeat(100_000) }, 400, 'Validation failed', 'name: must be at most 253 characters'],
      [{ zoneId: zones.r53Id, name: '_gateways_app.www' }, 400, 'Validation failed', 'name: the label _gateways_app is reserved for verification records'],
      [{ zoneId: zones.r53Id }, 400, 'Validation failed', 'name: required'],
      [{ zoneId: zones.r53Id, name: 7 }, 400, 'Validation failed', 'name: must be a string'],
      [{ name: 'www' }, 400, 'Validation failed', 'zoneId: required'],
      [{ zoneId: 'abc', name: 'www' }, 400, 'Validation failed', 'zoneId: must be a positive integer'],
      [{ zoneId: 0, name: 'www' }, 400, 'Validation failed', 'zoneId: must be a positive integer'],
      [{ zoneId: 999_999, name: 'www' }, 404, 'DNS zone not found', 'The specified DNS zone does not exist'],
    ];
    for (const [body, status, error, message] of bad) {
      const res = await create(body);
      expect([res.status, res.body.error, res.body.message], JSON.stringify(body).slice(0, 100)).toEqual([status, error, message]);
    }
    // A resource that is not a zone, and a zone of another environment, are not zones here.
    const host = await w.server.rest('POST', `${w.base}/resources`, { token: w.token, body: { resourceType: 'instance', name: 'web', dnsTarget: { addresses: ['192.0.2.1'] } } });
    expect((await create({ zoneId: host.body.data.id, name: 'www' })).body.error).toBe('DNS zone not found');
    expect((await w.server.rest('POST', '/api/projects/shop/environments', { token: w.token, body: { name: 'staging' } })).status).toBe(201);
    w.cf.addZone('stage.example', [CF_TOKEN]);
    const staging = await w.server.rest('POST', '/api/shop/staging/dns', { token: w.token, body: { name: 'st', domainName: 'stage.example', cloudflareApiToken: CF_TOKEN } });
    expect(staging.status).toBe(201);
    expect((await create({ zoneId: staging.body.data.id, name: 'www' })).body.error).toBe('DNS zone not found');
    expect((await w.server.rest('POST', '/api/shop/staging/subdomains', { token: w.token, body: { zoneId: staging.body.data.id, name: 'www' } })).status).toBe(201);
    expect((await activeSubdomains()).length).toBe(before + 1);
    await w.server.rest('DELETE', `${w.base}/resources/${host.body.data.id}`, { token: w.token });
  });

  it('permissions: a viewer reads subdomains but cannot create them', async () => {
    const denied = await create({ zoneId: zones.r53Id, name: 'viewer' }, viewer);
    expect([denied.status, denied.body]).toEqual([403, { error: 'Forbidden', message: 'You do not have permission to perform this action (requires canCreateResources)' }]);
    expect(await trpcFailure(w.server.trpcClient(viewer).subdomains.create.mutate({ ...w.env, zoneId: zones.r53Id, name: 'viewer' }))).toMatchObject({ error: 'Forbidden' });
    expect((await w.server.rest('GET', `${w.base}/subdomains`, { token: viewer })).status).toBe(200);
    expect((await w.server.rest('GET', `${w.base}/subdomains`)).status).toBe(401);
  });

  it('GET …/subdomains: pages, ?zoneId=, the same on tRPC', async () => {
    const all = await w.server.rest('GET', `${w.base}/subdomains`, { token: w.token });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ message: 'Subdomains retrieved successfully', count: 8, nextCursor: null });
    expect(all.body.data.map((s: { fqdn: string }) => s.fqdn)).toEqual([
      'www.myapp.com',
      'myapp.com',
      'api.v2.myapp.com',
      '*.preview.myapp.com',
      'shop.myapp.com',
      'blog.myapp.com',
      'xn--bcher-kva.cf.example',
      'www.cf.example',
    ]);
    expect(await w.server.trpcClient(w.token).subdomains.list.query(w.env)).toEqual(all.body);

    const first = await w.server.rest('GET', `${w.base}/subdomains?limit=3`, { token: w.token });
    expect(first.body.count).toBe(3);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await w.server.rest('GET', `${w.base}/subdomains?limit=5&cursor=${first.body.nextCursor}`, { token: w.token });
    expect([...first.body.data, ...second.body.data]).toEqual(all.body.data);
    expect(second.body.nextCursor).toBeNull();
    // A cursor of another list is refused.
    const zonesPage = await w.server.rest('GET', `${w.base}/dns?limit=1`, { token: w.token });
    expect((await w.server.rest('GET', `${w.base}/subdomains?cursor=${zonesPage.body.nextCursor}`, { token: w.token })).body.message).toBe('cursor: is not a cursor of this list');

    const ofCf = await w.server.trpcClient(w.token).subdomains.list.query({ ...w.env, zoneId: zones.cfId });
    expect(ofCf.data.map((s) => s.name)).toEqual(['xn--bcher-kva', 'www']);
    expect((await w.server.rest('GET', `${w.base}/subdomains?zoneId=${zones.cfId}`, { token: w.token })).body).toEqual(ofCf);
    expect(await w.server.rest('GET', `${w.base}/subdomains?zoneId=abc`, { token: w.token })).toMatchObject({ status: 400, body: { message: 'zoneId: must be a positive integer' } });
    expect(await w.server.rest('GET', `${w.base}/subdomains?zoneId=999999`, { token: w.token })).toMatchObject({ status: 404, body: { error: 'DNS zone not found' } });
  });

  it('GET …/subdomains/:id; 400 Invalid subdomain ID, 404 Subdomain not found', async () => {
    const list = await w.server.rest('GET', `${w.base}/subdomains`, { token: w.token });
    const www = list.body.data[0];
    const one = await w.server.rest('GET', `${w.base}/subdomains/${www.id}`, { token: w.token });
    expect(one.body).toEqual({ message: 'Subdomain retrieved successfully', data: www });
    expect(await w.server.trpcClient(viewer).subdomains.get.query({ ...w.env, id: www.id })).toEqual(one.body);
    for (const id of ['abc', '0', '01', '1.5', '9'.repeat(16)]) {
      expect(await w.server.rest('GET', `${w.base}/subdomains/${id}`, { token: w.token })).toMatchObject({
        status: 400,
        body: { error: 'Invalid subdomain ID', message: 'Subdomain ID must be a positive integer' },
      });
    }
    const missing = { status: 404, body: { error: 'Subdomain not found', message: 'The specified subdomain does not exist' } };
    expect(await w.server.rest('GET', `${w.base}/subdomains/999999`, { token: w.token })).toMatchObject(missing);
    // A zone is a resource but not a subdomain; a subdomain of another environment is not here.
    expect(await w.server.rest('GET', `${w.base}/subdomains/${zones.r53Id}`, { token: w.token })).toMatchObject(missing);
    const staged = await w.server.rest('GET', '/api/shop/staging/subdomains', { token: w.token });
    expect(await w.server.rest('GET', `${w.base}/subdomains/${staged.body.data[0].id}`, { token: w.token })).toMatchObject(missing);
  });

  it('the connection of a subdomain is shown in get and list', async () => {
    const list = await w.server.rest('GET', `${w.base}/subdomains?zoneId=${zones.r53Id}`, { token: w.token });
    const [www, apex] = list.body.data as { id: number }[];
    const target = await w.server.rest('POST', `${w.base}/resources`, { token: w.token, body: { resourceType: 'instance', name: 'web-9', dnsTarget: { addresses: ['192.0.2.9'] } } });
    const sub = (await w.server.peek.rows('resources')).find((r) => Number(r.id) === www!.id)!;
    const connection = await w.server.storage.resourceConnections.createResourceConnection({
      workspaceId: Number(sub.workspace_id),
      projectId: Number(sub.project_id),
      environmentId: Number(sub.environment_id),
      connectionType: 'dns',
      sourceResourceId: www!.id,
      targetResourceId: target.body.data.id,
      zoneResourceId: zones.r53Id,
      status: 'active',
      records: [],
      options: {},
      createdBy: w.userId,
      now: new Date(),
    });
    const expected = { id: connection.id, targetId: target.body.data.id, status: 'active' };
    expect((await w.server.rest('GET', `${w.base}/subdomains/${www!.id}`, { token: w.token })).body.data.connection).toEqual(expected);
    const again = await w.server.trpcClient(w.token).subdomains.list.query({ ...w.env, zoneId: zones.r53Id });
    expect(again.data.find((s) => s.id === www!.id)?.connection).toEqual(expected);
    expect(again.data.find((s) => s.id === apex!.id)?.connection).toBeNull();
  });

  it('counts.subdomain and ?type=subdomain', async () => {
    const res = await w.server.rest('GET', `${w.base}/resources?type=subdomains`, { token: w.token });
    expect(res.body.counts).toMatchObject({ dns: 2, subdomain: 8, instance: 1 });
    expect(res.body.count).toBe(8);
    expect(res.body.data.every((r: { resourceType: string }) => r.resourceType === 'subdomain')).toBe(true);
  });
});

describeBackends('subdomains: plan limits', (backend) => {
  it('subdomains count toward max_resources (free plan: 5)', async () => {
    const w = await startDnsWorld(backend, { plan: 'free' });
    try {
      w.cf.addZone('cf.example', [CF_TOKEN]);
      const zone = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'cf', domainName: 'cf.example', cloudflareApiToken: CF_TOKEN } });
      const statuses: number[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) statuses.push((await w.server.rest('POST', `${w.base}/subdomains`, { token: w.token, body: { zoneId: zone.body.data.id, name } })).status);
      expect(statuses).toEqual([201, 201, 201, 201, 403]);
      const over = await w.server.rest('POST', `${w.base}/subdomains`, { token: w.token, body: { zoneId: zone.body.data.id, name: 'f' } });
      expect(over.body).toMatchObject({ error: 'Plan limit exceeded', currentValue: 5, limit: 5, upgradeRequired: true });
      // A duplicate is still named as such at the limit.
      expect((await w.server.rest('POST', `${w.base}/subdomains`, { token: w.token, body: { zoneId: zone.body.data.id, name: 'a' } })).body.error).toBe('Subdomain already exists');
    } finally {
      await w.close();
    }
  });
});
