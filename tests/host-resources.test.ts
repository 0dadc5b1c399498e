import { afterAll, beforeAll, expect, it } from 'vitest';
import { RESOURCE_SUBTYPES } from '@cloudlink/engine';
import { startDnsWorld, useDnsWorld, type DnsWorld } from './dns-fixture.js';
import { describeBackends, startTestServer, trpcFailure, type RestResponse } from './harness/index.js';

/**
 * `POST …/resources` — the host registers its own resources (docs/resources.md#host-resources) — over
 * real HTTP (REST) and tRPC on a real storage: fields, DNS targets, permissions, counts, plan limits
 * and the 409 rules of cloud connections.
 */

type Row = Record<string, unknown>;
const json = (v: unknown): Row => (typeof v === 'string' ? (JSON.parse(v) as Row) : (v as Row));

describeBackends('host resources', (backend) => {
  let w: DnsWorld;
  let dev: string;
  let viewer: string;
  let admin: string;
  const register = (body: unknown, token = w.token) => w.server.rest('POST', `${w.base}/resources`, { token, body });
  const rowOf = async (id: number) => (await w.server.peek.rows('resources')).find((r) => Number(r.id) === id);
  const activeCount = async () => (await w.server.peek.rows('resources')).filter((r) => r.is_active === true || r.is_active === 1).length;

  beforeAll(async () => {
    w = await startDnsWorld(backend);
    const member = async (email: string, role: string) => {
      const u = await w.server.createUser(email);
      expect((await w.server.rest('POST', '/api/workspaces/acme/members', { token: w.token, body: { email, role } })).status).toBe(201);
      return u.token;
    };
    [dev, viewer, admin] = [await member('dev@example.com', 'dev'), await member('viewer@example.com', 'viewer'), await member('admin@example.com', 'admin')];
  });
  afterAll(() => w.close());

  it('registers a resource (201) with its normalised DNS target; no link → no cloud_connection_id', async () => {
    const res = await register({
      resourceType: 'instance',
      name: 'web-1',
      providerResourceId: 'i-0abc123',
      region: 'us-east-1',
      status: 'running',
      dnsTarget: { addresses: ['192.0.2.10', '2001:DB8::10'] },
      metadata: { tier: 'gold', ports: [80, 443] },
      positionX: 10,
      positionY: '20',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      message: 'Resource registered successfully',
      data: {
        id: expect.any(Number),
        resourceType: 'instance',
        resourceId: 'i-0abc123',
        name: 'web-1',
        project: { id: w.projectId, slug: 'shop', name: 'Shop' },
        environment: { id: expect.any(Number), slug: 'master', name: 'master' },
        region: 'us-east-1',
        status: 'running',
        metadata: { tier: 'gold', ports: [80, 443], dnsTarget: { addresses: ['192.0.2.10', '2001:db8::10'] } },
        position: { x: 10, y: 20 },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const row = await rowOf(res.body.data.id);
    expect(row).toMatchObject({ resource_type: 'instance', cloud_connection_id: null, domain_name: null, parent_resource_id: null, secret_data: null, region: 'us-east-1' });
    expect(json(row!.metadata)).toEqual(res.body.data.metadata);
    // The same object through GET.
    expect((await w.server.rest('GET', `${w.base}/resources/${res.body.data.id}`, { token: w.token })).body.data).toEqual(res.body.data);
  });

  it('defaults: status active, region and dnsTarget null; over tRPC too', async () => {
    const res = await w.server.trpcClient(w.token).resources.register.mutate({ ...w.env, resourceType: 'database', name: 'db' });
    expect(res.message).toBe('Resource registered successfully');
    expect(res.data).toMatchObject({ resourceType: 'database', resourceId: null, region: null, status: 'active', metadata: { dnsTarget: null }, position: null });
  });

  it('hostname and alias targets: filled in and normalised; refused with the field path', async () => {
    const host = await register({ resourceType: 'application', name: 'app', dnsTarget: { hostname: 'LB-1.Hosting.Example.NET' } });
    expect(host.body.data.metadata.dnsTarget).toEqual({ hostname: 'lb-1.hosting.example.net.' });
    const alias = await register({ resourceType: 'scalable_server', name: 'alb', dnsTarget: { alias: { dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com', evaluateTargetHealth: true } } });
    expect(alias.status).toBe(201);
    expect(alias.body.data.metadata.dnsTarget).toEqual({
      alias: { dnsName: 'my-alb-1234.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true, dualStack: false },
    });
    const cdn = await w.server.trpcClient(w.token).resources.register.mutate({ ...w.env, resourceType: 'static_website', name: 'cdn', dnsTarget: { alias: { dnsName: 'd111111abcdef8.cloudfront.net', dualStack: true } } });
    expect(cdn.data.metadata.dnsTarget).toEqual({ alias: { dnsName: 'd111111abcdef8.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2', evaluateTargetHealth: false, dualStack: true } });

    const before = await activeCount();
    const wrongZone = await register({ resourceType: 'instance', name: 'x', dnsTarget: { alias: { dnsName: 'my-alb.us-east-1.elb.amazonaws.com', hostedZoneId: 'Z2FDTNDATAQYW2' } } });
    expect([wrongZone.status, wrongZone.body]).toEqual([
      400,
      {
        error: 'Validation failed',
        message: 'dnsTarget.alias.hostedZoneId: must be Z35SXDOTRQ7X7K for a load balancer in us-east-1',
        details: [{ path: 'dnsTarget.alias.hostedZoneId', message: 'must be Z35SXDOTRQ7X7K for a load balancer in us-east-1' }],
      },
    ]);
    const notAws = await trpcFailure(w.server.trpcClient(w.token).resources.register.mutate({ ...w.env, resourceType: 'instance', name: 'x', dnsTarget: { alias: { dnsName: 'lb.example.net' } } }));
    expect(notAws.message).toMatch(/^dnsTarget\.alias\.dnsName: must be an S3 website endpoint, a CloudFront distribution or an Elastic Load Balancing load balancer/);
    expect(await activeCount()).toBe(before);
  });

  it('every field rule answers 400 naming the field, and writes nothing', async () => {
    const before = await activeCount();
    const cases: [unknown, string][] = [
      [{ name: 'x' }, 'resourceType: required'],
      [{ resourceType: 'dns', name: 'x' }, 'resourceType: dns resources are created with POST …/dns'],
      [{ resourceType: 'subdomain', name: 'x' }, 'resourceType: subdomain resources are created with POST …/subdomains'],
      [{ resourceType: 'instance' }, 'name: required'],
      [{ resourceType: 'instance', name: 'x'.repeat(101) }, 'name: must be at most 100 characters'],
      [{ resourceType: 'instance', name: 'x', providerResourceId: 'r'.repeat(256) }, 'providerResourceId: must be at most 255 characters'],
      [{ resourceType: 'instance', name: 'x', region: 'US_EAST' }, 'region: must be 1–64 characters of a-z, 0-9 and -'],
      [{ resourceType: 'instance', name: 'x', region: 'r'.repeat(100_000) }, 'region: must be at most 64 characters'],
      [{ resourceType: 'instance', name: 'x', status: 'Running' }, 'status: must be 1–32 characters of a-z and _'],
      [{ resourceType: 'instance', name: 'x', positionY: 3 }, 'positionX: positionX and positionY must be given together'],
      [{ resourceType: 'instance', name: 'x', dnsTarget: { addresses: ['192.0.2.1', '192.0.2.2', '192.0.2.300'] } }, 'dnsTarget.addresses[2]: "192.0.2.300" is not a valid IPv4 or IPv6 address'],
      [{ resourceType: 'instance', name: 'x', dnsTarget: { addresses: ['192.0.2.1', '192.0.2.1'] } }, 'dnsTarget.addresses[1]: duplicate of addresses[0]'],
      [{ resourceType: 'instance', name: 'x', dnsTarget: { addresses: [] } }, 'dnsTarget.addresses: must have between 1 and 100 addresses'],
      [{ resourceType: 'instance', name: 'x', dnsTarget: { hostname: 'a b' } }, 'dnsTarget.hostname: "a b" is not a valid host name'],
      [{ resourceType: 'instance', name: 'x', dnsTarget: { hostname: 'a.example', addresses: ['192.0.2.1'] } }, 'dnsTarget: must have exactly one of addresses, hostname, alias (got addresses, hostname)'],
      [{ resourceType: 'instance', name: 'x', dnsTarget: {} }, 'dnsTarget: must have exactly one of addresses, hostname, alias'],
      [{ resourceType: 'firewall', name: 'x', dnsTarget: { hostname: 'fw.example.net' } }, 'dnsTarget: a firewall cannot be a DNS target'],
      [{ resourceType: 'instance', name: 'x', metadata: { dnsTarget: { hostname: 'x.example' } } }, 'metadata.dnsTarget: is reserved'],
      [{ resourceType: 'instance', name: 'x', metadata: { connections: [] } }, 'metadata.connections: is reserved'],
      [{ resourceType: 'instance', name: 'x', metadata: { blob: 'x'.repeat(9000) } }, 'metadata: must be at most 8192 bytes once serialised'],
      [{ resourceType: 'instance', name: 'x', metadata: ['a'] }, 'metadata: must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const res = await register(body);
      expect([res.status, res.body.error, res.body.message], JSON.stringify(body).slice(0, 200)).toEqual([400, 'Validation failed', message]);
    }
    expect(await activeCount()).toBe(before);
  });

  it('permission canRegisterResources: owner and admin register, dev and viewer get 403', async () => {
    const forbidden = { error: 'Forbidden', message: 'You do not have permission to perform this action (requires canRegisterResources)' };
    expect(await register({ resourceType: 'utility', name: 'u' }, dev)).toMatchObject({ status: 403, body: forbidden });
    expect(await register({ resourceType: 'utility', name: 'u' }, viewer)).toMatchObject({ status: 403, body: forbidden });
    expect(await trpcFailure(w.server.trpcClient(dev).resources.register.mutate({ ...w.env, resourceType: 'utility', name: 'u' }))).toEqual(forbidden);
    // The permission is checked before the body: a dev learns nothing about its validity.
    expect((await register({}, dev)).status).toBe(403);
    expect((await register({ resourceType: 'utility', name: 'by-admin' }, admin)).status).toBe(201);
    // A dev still reads them.
    expect((await w.server.rest('GET', `${w.base}/resources?type=utility`, { token: dev })).body.count).toBe(1);
  });

  it('counts: one key per catalogue type plus total; type filters by the catalogue', async () => {
    const rest = await w.server.rest('GET', `${w.base}/resources`, { token: w.token });
    const expected = Object.fromEntries(RESOURCE_SUBTYPES.map((t) => [t, 0]));
    Object.assign(expected, { instance: 1, database: 1, application: 1, scalable_server: 1, static_website: 1, utility: 1, total: 6 });
    expect(rest.body.counts).toEqual(expected);
    expect(Object.keys(rest.body.counts)).toEqual([...RESOURCE_SUBTYPES, 'total']);
    expect(await w.server.trpcClient(w.token).resources.list.query({ ...w.env, type: 'instances' })).toMatchObject({ count: 1, counts: expected, data: [{ name: 'web-1' }] });
  });
});

describeBackends('host resources: plan limits and the 409 rules of cloud connections', (backend) => {
  const w = useDnsWorld(backend, { plan: 'free' });
  const register = (name: string) => w.server.rest('POST', `${w.base}/resources`, { token: w.token, body: { resourceType: 'instance', name } });

  it('a host resource records the link as it stands; then the project cannot unlink and the connection cannot go', async () => {
    const connectionId = await w.linkAws();
    const res = await register('linked');
    expect(res.status).toBe(201);
    const row = (await w.server.peek.rows('resources')).find((r) => Number(r.id) === res.body.data.id);
    expect(Number(row!.cloud_connection_id)).toBe(connectionId);

    const unlink = await w.server.rest('PATCH', '/api/projects/shop/disconnect-cloud', { token: w.token });
    expect([unlink.status, unlink.body.error]).toEqual([409, 'Cannot disconnect cloud']);
    const del = await w.server.rest('DELETE', `/api/cloud-connections/acme/${connectionId}`, { token: w.token });
    expect(del.status).toBe(409);
    expect(del.body.error).toBe('Cannot delete connection');
    expect(del.body.message).toContain('still have active resources: Shop.');
    expect(await trpcFailure(w.server.trpcClient(w.token).projects.disconnectCloud.mutate({ projectSlug: 'shop' }))).toMatchObject({ error: 'Cannot disconnect cloud' });

    // Once the resource is gone, both work again.
    expect((await w.server.rest('DELETE', `${w.base}/resources/${res.body.data.id}`, { token: w.token })).status).toBe(200);
    expect((await w.server.rest('PATCH', '/api/projects/shop/disconnect-cloud', { token: w.token })).status).toBe(200);
    expect((await w.server.rest('DELETE', `/api/cloud-connections/acme/${connectionId}`, { token: w.token })).status).toBe(200);
  });

  it('max_resources: the sixth resource of the free plan is 403, as for zones', async () => {
    const results: RestResponse[] = [];
    for (let i = 0; i < 6; i++) results.push(await register(`r${i}`));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 403]);
    expect(results[5]!.body).toEqual({
      error: 'Plan limit exceeded',
      message: 'You have reached the maximum number of resources (5) for your plan. Please upgrade to create more resources.',
      currentValue: 5,
      limit: 5,
      upgradeRequired: true,
    });
    expect(await trpcFailure(w.server.trpcClient(w.token).resources.register.mutate({ ...w.env, resourceType: 'ide', name: 'x' }))).toMatchObject({ error: 'Plan limit exceeded', limit: 5 });
  });
});

describeBackends('host resources: max_resources_per_project', (backend) => {
  it('counts the project as well as the workspace', async () => {
    // Room in the workspace, two resources per project.
    const limits = { max_projects: -1, max_environments_per_project: -1, max_resources: 10, max_resources_per_project: 2, max_cloud_connections: -1, max_workspace_members: -1, features_disabled: [] };
    const server = await startTestServer({ backend, engineOptions: { limits: { limitsFor: async () => limits } } });
    try {
      const { token } = await server.createUser('owner@example.com');
      expect((await server.rest('POST', '/api/workspaces', { token, body: { name: 'Acme' } })).status).toBe(201);
      for (const name of ['One', 'Two']) expect((await server.rest('POST', '/api/workspaces/acme/projects', { token, body: { name } })).status).toBe(201);
      const register = (project: string, name: string) => server.rest('POST', `/api/${project}/master/resources`, { token, body: { resourceType: 'function', name } });
      expect([(await register('one', 'a')).status, (await register('one', 'b')).status]).toEqual([201, 201]);
      const third = await register('one', 'c');
      expect(third.status).toBe(403);
      expect(third.body).toMatchObject({ error: 'Plan limit exceeded', currentValue: 2, limit: 2 });
      expect(third.body.message).toContain('maximum number of resources per project (2)');
      expect((await register('two', 'a')).status).toBe(201);
    } finally {
      await server.close();
    }
  });
});
