import { createSandboxProviders, type FakeRoute53, type FakeSts } from '@cloudlink/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type RestResponse, type TestServer } from './harness/index.js';
import { SAMPLE_AZURE_APP } from '../test-support/cloud-samples.js';

/**
 * Two complete app instances (own engine, pg pool and REST + tRPC server each) on ONE Postgres
 * database, sharing the sandbox cloud. Every race sends its requests to both instances at once,
 * for several rounds with the instance order flipped, so a lucky interleaving cannot pass alone.
 * The database (raw rows) must agree with the HTTP answers.
 */
const ROUNDS = 4;
type Row = Record<string, unknown>;

describe('two app instances racing on one Postgres database', () => {
  let a: TestServer;
  let b: TestServer;
  let aws: FakeSts;
  let route53: FakeRoute53;
  let token: string;
  let wsCount = 0;

  /** Both instances; who goes first flips with the round. */
  const pair = (round: number): [TestServer, TestServer] => (round % 2 === 0 ? [a, b] : [b, a]);
  /** Send request `i` to instance `i % 2` (order flipped by round), all at once. */
  const race = (round: number, requests: ((server: TestServer) => Promise<RestResponse>)[]) =>
    Promise.all(requests.map((send, i) => send(pair(round)[i % 2]!)));
  const statuses = (results: RestResponse[]) => results.map((r) => r.status).sort();
  const rowsOf = async (table: string, where: (r: Row) => boolean) => (await a.peek.rows(table)).filter(where);
  const id = (v: unknown) => Number(v);

  /** A fresh workspace on `plan`; returns its slug and id. */
  async function workspace(plan: 'free' | 'starter' | 'ultimate'): Promise<{ slug: string; id: number }> {
    const res = await a.rest('POST', '/api/workspaces', { token, body: { name: `Race ${++wsCount}` } });
    expect(res.status).toBe(201);
    const p = await a.storage.plans.getPlanBySlug(plan);
    await a.storage.workspaces.setWorkspacePlan({ workspaceId: res.body.data.id, planId: p!.id, now: new Date() });
    return { slug: res.body.data.slug, id: res.body.data.id };
  }
  /** A pending AWS connection of `ws`. */
  async function pendingAws(ws: string, via: TestServer = a): Promise<number> {
    const res = await via.rest('POST', `/api/cloud-connections/${ws}/connect-aws`, { token, body: {} });
    expect(res.status).toBe(201);
    return res.body.data.connectionId;
  }
  const complete = (server: TestServer, ws: string, connectionId: number, accountName: string) =>
    server.rest('POST', `/api/cloud-connections/${ws}/${connectionId}/complete`, { token, body: { accountId: '123456789012', accountName } });
  async function connectedAws(ws: string, accountName: string): Promise<number> {
    const connectionId = await pendingAws(ws);
    expect((await complete(b, ws, connectionId, accountName)).status).toBe(200);
    return connectionId;
  }
  async function project(ws: string, name: string): Promise<string> {
    const res = await a.rest('POST', `/api/workspaces/${ws}/projects`, { token, body: { name } });
    expect(res.status).toBe(201);
    return res.body.data.slug;
  }

  beforeAll(async () => {
    // One sandbox cloud for both instances, as two replicas share the real one.
    const sandbox = createSandboxProviders();
    aws = sandbox.fakes.sts;
    route53 = sandbox.fakes.route53;
    const { providers } = sandbox;
    a = await startTestServer({ backend: 'postgres', providers, engineOptions: { aws: { accountId: '999999999999' } } });
    b = await startTestServer({ backend: 'postgres', providers, engineOptions: { aws: { accountId: '999999999999' } }, attachTo: a });
    token = (await a.createUser('owner@example.com')).token;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the instances are distinct servers and pools over one database', async () => {
    expect(a.baseUrl).not.toBe(b.baseUrl);
    expect(a.engine).not.toBe(b.engine);
    const ws = await workspace('free');
    expect(await b.rest('GET', `/api/workspaces/${ws.slug}`, { token })).toMatchObject({ status: 200, body: { data: { id: ws.id } } });
  });

  it('plan limit at complete: the last connection slot goes to exactly one of two completes', async () => {
    aws.latencyMs = 10; // both pass the pre-check and meet in the settling transaction
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const ws = await workspace('free'); // max_cloud_connections 1, none used
        const [x, y] = [await pendingAws(ws.slug, a), await pendingAws(ws.slug, b)];
        const results = await race(round, [(s) => complete(s, ws.slug, x, 'X'), (s) => complete(s, ws.slug, y, 'Y')]);
        expect(statuses(results)).toEqual([200, 403]);
        expect(results.find((r) => r.status === 200)!.body.data.connectionStatus).toBe('connected');
        expect(results.find((r) => r.status === 403)!.body).toMatchObject({ error: 'Plan limit exceeded', currentValue: 1, limit: 1 });
        const connected = await rowsOf('cloud_connections', (r) => id(r.workspace_id) === ws.id && r.connection_status === 'connected');
        expect(connected).toHaveLength(1);
      }
    } finally {
      aws.latencyMs = 0;
    }
  });

  it('plan limits at create: projects, members and DNS zones never exceed the plan', async () => {
    const users = await Promise.all(Array.from({ length: 5 * ROUNDS }, (_, i) => a.createUser(`member${i}@example.com`)));
    for (let round = 0; round < ROUNDS; round++) {
      const ws = await workspace('starter'); // 3 projects, 3 members (the owner is one)
      const projects = await race(
        round,
        Array.from({ length: 6 }, (_, i) => (s: TestServer) => s.rest('POST', `/api/workspaces/${ws.slug}/projects`, { token, body: { name: `P${round}x${i}` } })),
      );
      expect(statuses(projects)).toEqual([201, 201, 201, 403, 403, 403]);
      expect(await rowsOf('projects', (r) => id(r.workspace_id) === ws.id)).toHaveLength(3);

      const candidates = users.slice(round * 5, round * 5 + 5);
      const members = await race(
        round,
        candidates.map((u) => (s: TestServer) => s.rest('POST', `/api/workspaces/${ws.slug}/members`, { token, body: { email: u.email, role: 'dev' } })),
      );
      expect(statuses(members)).toEqual([201, 201, 403, 403, 403]);
      expect(members.filter((r) => r.status === 403).every((r) => r.body.error === 'Plan limit exceeded')).toBe(true);
      expect(await rowsOf('workspace_members', (r) => id(r.workspace_id) === ws.id && r.is_active === true)).toHaveLength(3);
    }

    route53.latencyMs = 5; // zone creations overlap at the provider, then meet at the workspace lock
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const ws = await workspace('free'); // max_resources 5
        const slug = await project(ws.slug, `Zones ${round}`);
        const connectionId = await connectedAws(ws.slug, 'prod');
        expect((await b.rest('PATCH', `/api/projects/${slug}/connect-cloud/${connectionId}`, { token })).status).toBe(200);
        const domains = Array.from({ length: 8 }, (_, i) => `z${i}.r${round}.example.com`);
        const zones = await race(
          round,
          domains.map((domainName, i) => (s: TestServer) => s.rest('POST', `/api/${slug}/master/dns`, { token, body: { name: `z${i}`, domainName } })),
        );
        expect(statuses(zones)).toEqual([201, 201, 201, 201, 201, 403, 403, 403]);
        expect(await rowsOf('resources', (r) => id(r.workspace_id) === ws.id && r.is_active === true)).toHaveLength(5);
        // A zone created at the provider by a loser is removed again.
        expect(route53.snapshot().zones.filter((z) => domains.includes(z.name.slice(0, -1)))).toHaveLength(5);
      }
    } finally {
      route53.latencyMs = 0;
    }
  });

  it('unique names: one rename wins, same-named projects get distinct slugs', async () => {
    const ws = await workspace('ultimate');
    for (let round = 0; round < ROUNDS; round++) {
      const [x, y] = [await pendingAws(ws.slug, a), await pendingAws(ws.slug, b)];
      const name = `Shared ${round}`;
      const renames = await race(round, [x, y].map((c) => (s: TestServer) => s.rest('PATCH', `/api/cloud-connections/${ws.slug}/${c}`, { token, body: { accountName: name } })));
      expect(statuses(renames)).toEqual([200, 409]);
      expect(renames.find((r) => r.status === 409)!.body).toMatchObject({ error: 'Duplicate account name' });
      expect(await rowsOf('cloud_connections', (r) => r.account_name === name && r.is_active === true)).toHaveLength(1);

      const created = await race(round, [0, 1].map(() => (s: TestServer) => s.rest('POST', `/api/workspaces/${ws.slug}/projects`, { token, body: { name: `Twin ${round}` } })));
      expect(statuses(created)).toEqual([201, 201]);
      const slugs = created.map((r) => r.body.data.slug as string).sort();
      expect(slugs).toEqual([`twin-${round}`, `twin-${round}-1`]);
      expect((await rowsOf('projects', (r) => r.name === `Twin ${round}`)).map((r) => r.slug).sort()).toEqual(slugs);
    }
  });

  it('one-time token: the Azure setup token completes once across both instances', async () => {
    const ws = await workspace('ultimate');
    for (let round = 0; round < ROUNDS; round++) {
      const started = await a.rest('POST', `/api/cloud-connections/${ws.slug}/connect-azure`, { token, body: {} });
      const connectionId = started.body.data.connectionId as number;
      const setupToken = /T="([0-9a-f]{24})"/.exec(started.body.data.setupCommand)![1]!;
      await b.rest('PATCH', `/api/cloud-connections/${ws.slug}/${connectionId}`, { token, body: { accountName: `Azure ${round}` } });
      const callbacks = await race(
        round,
        Array.from({ length: 4 }, () => (s: TestServer) => s.rest('POST', '/api/cloud-connections/azure-setup-callback', { body: { token: setupToken, ...SAMPLE_AZURE_APP } })),
      );
      expect(statuses(callbacks)).toEqual([200, 400, 400, 400]);
      for (const lost of callbacks.filter((r) => r.status === 400)) expect(lost.body).toMatchObject({ error: 'Invalid token' });
      const [row] = await rowsOf('cloud_connections', (r) => id(r.id) === connectionId);
      expect(row).toMatchObject({ connection_status: 'connected' });
      expect(row!.setup_token_used_at).not.toBeNull();
    }
  });

  it('connection delete vs project link: no active project ends linked to a deleted connection', async () => {
    const ws = await workspace('ultimate');
    for (let round = 0; round < 2 * ROUNDS; round++) {
      const slug = await project(ws.slug, `Linked ${round}`);
      const withResources = round % 4 < 2;
      if (withResources) {
        // A Cloudflare zone needs no cloud connection: an active resource in a still unlinked project.
        const zone = await a.rest('POST', `/api/${slug}/master/dns`, { token, body: { name: 'cf', domainName: `l${round}.example.org`, provider: 'cloudflare', cloudflareApiToken: 'cf-token' } });
        expect(zone.status).toBe(201);
      }
      const connectionId = await connectedAws(ws.slug, `Doomed ${round}`);
      const [link, del] = await race(round, [
        (s) => s.rest('PATCH', `/api/projects/${slug}/connect-cloud/${connectionId}`, { token }),
        (s) => s.rest('DELETE', `/api/cloud-connections/${ws.slug}/${connectionId}`, { token }),
      ]);
      const [conn] = await rowsOf('cloud_connections', (r) => id(r.id) === connectionId);
      const [proj] = await rowsOf('projects', (r) => r.slug === slug);
      if (link!.status === 200 && withResources) {
        // Linked first: the project now has active resources on it, so the delete is refused.
        expect(del!.body).toMatchObject({ error: 'Cannot delete connection' });
        expect([conn!.is_active, id(proj!.connected_cloud_id)]).toEqual([true, connectionId]);
      } else if (link!.status === 200) {
        // Linked first, then deleted: the delete unlinks the project.
        expect(del!.status).toBe(200);
        expect([conn!.is_active, proj!.connected_cloud_id]).toEqual([false, null]);
      } else {
        // Deleted first: the link finds no connection.
        expect([link!.status, link!.body.error, del!.status]).toEqual([404, 'Cloud connection not found', 200]);
        expect([conn!.is_active, proj!.connected_cloud_id]).toEqual([false, null]);
      }
    }
    const dangling = await a.peek.rows('projects');
    const inactive = new Set((await rowsOf('cloud_connections', (r) => r.is_active !== true)).map((r) => id(r.id)));
    expect(dangling.filter((p) => p.is_active === true && p.connected_cloud_id !== null && inactive.has(id(p.connected_cloud_id)))).toEqual([]);
  });
});
