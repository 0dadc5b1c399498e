import { beforeAll, expect, it } from 'vitest';
import { CF_TOKEN, useDnsWorld } from './dns-fixture.js';
import { describeBackends, trpcFailure } from './harness/index.js';

/**
 * `POST …/dns` adopting an existing Route 53 hosted zone (docs/records.md#adopting-an-existing-hosted-zone)
 * over real HTTP (REST) and tRPC: the real Route 53 provider against the fake, on SQLite and Postgres.
 */

describeBackends('DNS zones: adopting an existing Route 53 hosted zone', (backend) => {
  const w = useDnsWorld(backend);
  beforeAll(async () => {
    await w.linkAws();
  });

  const create = (body: Record<string, unknown>) => w.server.rest('POST', `${w.base}/dns`, { token: w.token, body: { name: 'z', ...body } });

  it('the one foreign zone of the domain is imported: same id and name servers, no CreateHostedZone, its records foreign', async () => {
    const id = w.r53.addZone('adopt.example', { callerReference: 'console-2019' });
    w.r53.seed(id, [{ name: 'www.adopt.example.', type: 'A', ttl: 300, values: ['192.0.2.1'] }]);
    const creates = w.r53.counts.CreateHostedZone;
    const res = await create({ domainName: 'adopt.example', comment: 'not sent' });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('DNS hosted zone created successfully');
    expect(res.body.data).toMatchObject({ hostedZoneId: id, nameServers: w.r53.zones.get(id)?.nameServers, comment: null, metadata: { dns_active: false, adopted: true } });
    expect(w.r53.counts.CreateHostedZone).toBe(creates);
    expect([...w.r53.zones.values()].filter((z) => z.name === 'adopt.example.')).toHaveLength(1);
    const zoneId = res.body.data.id as number;
    const stored = () => w.server.peek.rows('dns_records').then((rows) => rows.filter((r) => Number(r.zone_resource_id) === zoneId));
    expect(await stored()).toEqual([]);
    const list = await w.server.rest('GET', `${w.base}/dns/${zoneId}/records`, { token: w.token });
    expect(list.body.data).toContainEqual({ name: 'www.adopt.example.', type: 'A', ttl: 300, values: ['192.0.2.1'] });
    // The next sync fills the stored copy: the zone's own records are not ours.
    expect((await w.server.rest('PUT', `${w.base}/resources/${zoneId}/sync`, { token: w.token })).status).toBe(200);
    const www = (await stored()).find((r) => r.name === 'www.adopt.example.');
    expect([false, 0]).toContain(www?.managed);
    // Over tRPC the zone object says the same.
    const got = await w.server.trpcClient(w.token).dns.getZone.query({ ...w.env, id: zoneId });
    expect(got.data.metadata).toEqual({ dns_active: false, adopted: true });
  });

  it('several foreign zones → 409 Multiple hosted zones; hostedZoneId (tRPC) chooses one', async () => {
    const a = w.r53.addZone('twice.example', { callerReference: 'a' });
    const b = w.r53.addZone('twice.example', { callerReference: 'b' });
    const res = await create({ domainName: 'twice.example' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'Multiple hosted zones',
      message: `The linked AWS account has 2 hosted zones for twice.example (${[a, b].sort().join(', ')}); pass hostedZoneId to choose the one to import`,
    });
    const trpc = w.server.trpcClient(w.token);
    expect(await trpcFailure(trpc.dns.createZone.mutate({ ...w.env, name: 'z', domainName: 'twice.example' }))).toMatchObject({ error: 'Multiple hosted zones' });
    const chosen = await trpc.dns.createZone.mutate({ ...w.env, name: 'z', domainName: 'twice.example', hostedZoneId: b });
    expect(chosen.data).toMatchObject({ hostedZoneId: b, metadata: { adopted: true } });
    expect([...w.r53.zones.values()].filter((z) => z.name === 'twice.example.')).toHaveLength(2);
  });

  it('hostedZoneId: unknown → 404 Hosted zone not found, another domain → 400, with Cloudflare → 400; nothing created', async () => {
    const other = w.r53.addZone('other.example');
    const creates = w.r53.counts.CreateHostedZone;
    const missing = await create({ domainName: 'explicit.example', hostedZoneId: 'Z0000000NOPE' });
    expect([missing.status, missing.body]).toEqual([404, { error: 'Hosted zone not found', message: 'No Route 53 hosted zone Z0000000NOPE is visible to the linked AWS connection' }]);
    const wrong = await create({ domainName: 'explicit.example', hostedZoneId: other });
    expect([wrong.status, wrong.body.message]).toEqual([400, `hostedZoneId: hosted zone ${other} is other.example, not explicit.example`]);
    const cf = await trpcFailure(w.server.trpcClient(w.token).dns.createZone.mutate({ ...w.env, name: 'z', domainName: 'explicit.example', cloudflareApiToken: CF_TOKEN, hostedZoneId: other }));
    expect(cf).toMatchObject({ error: 'Validation failed', message: 'hostedZoneId: applies only to Route 53 zones' });
    expect(w.r53.counts.CreateHostedZone).toBe(creates);
    const rows = await w.server.peek.rows('resources');
    expect(rows.filter((r) => r.domain_name === 'explicit.example')).toEqual([]);
  });

  it('a retry after a create died past CreateHostedZone reuses its own zone (not adopted), though a foreign zone appeared', async () => {
    // Route 53 makes the zone, the answer is lost for good (a process that died right then leaves the same state).
    w.r53.failNext('CreateHostedZone', { status: 403, code: 'AccessDenied', afterApply: true });
    const first = await create({ domainName: 'retry.example' });
    expect(first.status).toBeGreaterThanOrEqual(400);
    const [ours] = [...w.r53.zones.values()].filter((z) => z.name === 'retry.example.');
    expect(ours?.callerReference).toMatch(/^cloudlink-/);
    w.r53.addZone('retry.example', { callerReference: 'console' });
    const res = await create({ domainName: 'retry.example' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ hostedZoneId: ours?.id, metadata: { adopted: false } });
    expect([...w.r53.zones.values()].filter((z) => z.name === 'retry.example.')).toHaveLength(2);
    expect((await w.server.peek.rows('dns_zone_intents')).filter((r) => r.domain_name === 'retry.example')).toEqual([]);
  });

  it('without any other zone of the name, a zone is created as before', async () => {
    const creates = w.r53.counts.CreateHostedZone;
    const res = await create({ domainName: 'fresh.example' });
    expect(res.status).toBe(201);
    expect(res.body.data.metadata).toEqual({ dns_active: false, adopted: false });
    expect(w.r53.counts.CreateHostedZone).toBe(creates + 1);
  });
});
