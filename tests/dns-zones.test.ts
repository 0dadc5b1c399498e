import { expect, it } from 'vitest';
import { CF_TOKEN, useDnsWorld } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/** Zone create, list and get over real HTTP (REST) and tRPC, real providers against the provider fakes. */

describeBackends('DNS zones', (backend) => {
  const w = useDnsWorld(backend);

  it('POST …/dns creates a Route 53 zone through the linked connection (201)', async () => {
    await w.linkAws();
    const res = await w.server.rest('POST', `${w.base}/dns`, {
      token: w.token,
      body: { name: 'production-dns', domainName: 'MyApp.com', comment: 'Production DNS zone', positionX: 100, positionY: '200' },
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('DNS hosted zone created successfully');
    const fakeZone = [...w.r53.zones.values()].find((z) => z.name.startsWith('myapp.com'));
    expect(fakeZone).toBeDefined();
    expect(res.body.data).toMatchObject({
      name: 'production-dns',
      provider: 'route53',
      domainName: 'myapp.com',
      hostedZoneId: fakeZone?.id,
      nameServers: fakeZone?.nameServers,
      comment: 'Production DNS zone',
      status: 'active',
      position: { x: 100, y: 200 },
      metadata: { dns_active: false },
      project: { slug: 'shop', name: 'Shop' },
      environment: { slug: 'master', name: 'master' },
    });
    expect(fakeZone?.comment).toBe('Production DNS zone');
    const rows = await w.server.peek.rows('resources');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ resource_type: 'dns', region: 'global', status: 'active', domain_name: 'myapp.com', secret_data: null });
  });

  it('imports a Cloudflare zone over tRPC and seals the token', async () => {
    const zone = w.cf.addZone('shop.example', [CF_TOKEN]);
    const res = await w.server.trpcClient(w.token).dns.createZone.mutate({ ...w.env, name: 'cf', domainName: 'shop.example', cloudflareApiToken: CF_TOKEN });
    expect(res.data).toMatchObject({ provider: 'cloudflare', hostedZoneId: zone.id, nameServers: zone.name_servers, comment: null });
    const row = (await w.server.peek.rows('resources')).find((r) => r.domain_name === 'shop.example');
    expect(String(row?.secret_data)).toMatch(/^v1:/);
    expect(String(row?.secret_data)).not.toContain(CF_TOKEN);
    expect(JSON.stringify(res)).not.toContain(CF_TOKEN);
  });

  it('Cloudflare errors: refused token 400, unknown zone 404, over both transports', async () => {
    const rest = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'x', domainName: 'nozone.example', cloudflareApiToken: CF_TOKEN } });
    expect(rest.status).toBe(404);
    expect(rest.body).toEqual({ error: 'Cloudflare zone not found', message: 'No Cloudflare zone named nozone.example is visible to this token' });
    const bad = await trpcFailure(w.server.trpcClient(w.token).dns.createZone.mutate({ ...w.env, name: 'x', domainName: 'revoked.example', cloudflareApiToken: 'cf-revoked' }));
    expect(bad.error).toBe('Invalid Cloudflare token');
  });

  it('validation, duplicates and ids', async () => {
    const v = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'x', domainName: 'not a domain' } });
    expect(v.status).toBe(400);
    expect(v.body).toEqual({ error: 'Validation failed', message: 'domainName: must be a valid domain name', details: [{ path: 'domainName', message: 'must be a valid domain name' }] });
    const dup = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'again', domainName: 'myapp.com.' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: 'DNS zone already exists', message: 'A DNS zone for myapp.com already exists in this environment' });
    const badId = await w.server.rest('GET', `${w.base}/dns/abc`, { token: w.token });
    expect(badId.status).toBe(400);
    expect(badId.body).toEqual({ error: 'Invalid DNS zone ID', message: 'DNS zone ID must be a positive integer' });
    const missing = await w.server.rest('GET', `${w.base}/dns/9999`, { token: w.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('DNS zone not found');
    const anon = await w.server.rest('GET', `${w.base}/dns`);
    expect(anon.status).toBe(401);
  });

  it('GET …/dns and GET …/dns/:id answer the same objects on REST and tRPC', async () => {
    const rest = await w.server.rest('GET', `${w.base}/dns`, { token: w.token });
    expect(rest.status).toBe(200);
    expect(rest.body.message).toBe('DNS zones retrieved successfully');
    expect(rest.body.count).toBe(2);
    expect(rest.body.data.map((z: { domainName: string }) => z.domainName)).toEqual(['myapp.com', 'shop.example']);
    const trpc = await w.server.trpcClient(w.token).dns.listZones.query(w.env);
    expect(trpc).toEqual(rest.body);
    const id = rest.body.data[0].id as number;
    const one = await w.server.rest('GET', `${w.base}/dns/${id}`, { token: w.token });
    expect(one.body).toEqual({ message: 'DNS zone retrieved successfully', data: rest.body.data[0] });
    expect(await w.server.trpcClient(w.token).dns.getZone.query({ ...w.env, id })).toEqual(one.body);
  });

  it('a provider outage answers 502 Failed to create/import hosted zone', async () => {
    w.r53.failNext('CreateHostedZone', { status: 400, code: 'InvalidDomainName', message: 'bad domain' });
    const invalid = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'z', domainName: 'other.com' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toBe('CreateHostedZone failed: InvalidDomainName: bad domain');
    w.r53.failNext('CreateHostedZone', { status: 500, code: 'InternalFailure', message: 'boom', times: 10 });
    const down = await w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'z', domainName: 'other.com' } });
    expect(down.status).toBe(502);
    expect(down.body.error).toBe('Failed to create/import hosted zone');
    expect(down.body.message).toMatch(/^CreateHostedZone failed: InternalFailure/);
  });
});
