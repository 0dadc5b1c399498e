import { afterAll, beforeAll, expect, it } from 'vitest';
import { RESOURCE_SUBTYPES } from '@cloudlink/engine';
import { describeBackends, startTestServer, trpcFailure, type TestServer } from './harness/index.js';

/**
 * Every database list pages by id over REST and tRPC: `limit` (1–1000) and `cursor` in, `nextCursor`
 * out; without `limit` the answer is today's shape, bounded at 1 000 rows with a cursor when more
 * exist. Summaries and counts still cover the whole set. Bad `limit`/`cursor` → 400 naming the field.
 */
type Body = { count: number; data: { id: number }[]; nextCursor: string | null; [k: string]: unknown };
const N = 7;

describeBackends('list pages', (backend) => {
  let server: TestServer;
  let token: string;
  let workspaceId: number;
  let environmentId: number;
  let projectId: number;
  const now = new Date('2030-01-01T00:00:00Z');
  const LISTS = {
    members: '/api/workspaces/acme/members',
    environments: '/api/projects/shop/environments',
    connections: '/api/cloud-connections/acme?status=all',
    resources: '/api/shop/master/resources',
    zones: '/api/shop/master/dns',
  } as const;
  const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    const owner = await server.createUser('owner@example.com');
    token = owner.token;
    const ws = await server.rest('POST', '/api/workspaces', { token, body: { name: 'Acme' } });
    workspaceId = ws.body.data.id;
    await server.storage.workspaces.setWorkspacePlan({ workspaceId, planId: 4, now });
    const project = await server.rest('POST', '/api/workspaces/acme/projects', { token, body: { name: 'Shop' } });
    projectId = project.body.data.id;
    environmentId = (await server.storage.environments.getEnvironmentBySlug(projectId, 'master'))!.id;
    for (let i = 0; i < N; i++) {
      const u = await server.createUser(`m${i}@example.com`);
      await server.storage.members.addMember({ workspaceId, userId: u.id, role: 'viewer', permissions: null, now });
      await server.storage.environments.createEnvironment({ projectId, name: `e${i}`, slug: `e${i}`, description: null, isDefault: false, now });
      const c = await server.storage.connections.createConnection({ workspaceId, provider: 'gcp', createdBy: owner.id, region: 'us-central1', now });
      if (i % 2 === 0) await server.storage.connections.updateConnection(c.id, { status: 'failed', failureReason: 'x' }, now);
      await server.storage.resources.createResource({
        workspaceId, projectId, environmentId, cloudConnectionId: null, resourceType: 'dns', resourceId: `Z${i}`, name: `z${i}`, region: 'global',
        status: 'active', domainName: `z${i}.example.com`, metadata: { provider: 'cloudflare', domainName: `z${i}.example.com`, state: i < 3 ? 'on' : 'off' },
        secretData: null, positionX: null, positionY: null, createdBy: owner.id, now,
      });
    }
  });
  afterAll(() => server.close());

  async function walkRest(path: string, limit: number): Promise<{ ids: number[]; pages: Body[] }> {
    const pages: Body[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await server.rest('GET', withQuery(path, query), { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      pages.push(res.body);
      expect(res.body.count).toBe(res.body.data.length);
      expect(res.body.data.length).toBeLessThanOrEqual(limit);
      cursor = res.body.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return { ids: pages.flatMap((p) => p.data.map((d) => d.id)), pages };
  }

  it('REST: every list walks page by page to exactly the full answer, which has nextCursor null', async () => {
    for (const [name, path] of Object.entries(LISTS)) {
      const full = await server.rest('GET', path, { token });
      expect(full.status, name).toBe(200);
      expect(full.body.nextCursor, name).toBeNull();
      expect(full.body.count, name).toBeGreaterThanOrEqual(N);
      const { ids, pages } = await walkRest(path, 3);
      expect(ids, name).toEqual(full.body.data.map((d: { id: number }) => d.id));
      expect(pages.length, name).toBe(Math.max(1, Math.ceil(full.body.count / 3)));
      expect(pages.at(-1)!.nextCursor, name).toBeNull();
      for (const p of pages.slice(0, -1)) expect(typeof p.nextCursor, name).toBe('string');
    }
  });

  it('summary and counts cover the whole filtered set, not the page; filters combine with pages', async () => {
    const conn = await server.rest('GET', withQuery(LISTS.connections, 'limit=1'), { token });
    expect(conn.body.summary).toEqual({ total: N, byStatus: { connected: 0, pending: 3, failed: 4, disconnected: 0 } });
    expect(conn.body.count).toBe(1);
    const failed = await walkRest('/api/cloud-connections/acme?status=failed', 3);
    expect(failed.ids).toHaveLength(4);
    const res = await server.rest('GET', `${LISTS.resources}?limit=2`, { token });
    expect(res.body.counts).toEqual({ ...Object.fromEntries(RESOURCE_SUBTYPES.map((t) => [t, 0])), dns: N, total: N });
    expect(res.body.count).toBe(2);
    const on = await walkRest(`${LISTS.resources}?state=on`, 2);
    expect(on.ids).toHaveLength(3);
  });

  it('tRPC: the same pages, limit as a number', async () => {
    const trpc = server.trpcClient(token);
    const first = await trpc.members.list.query({ workspaceSlug: 'acme', limit: 2 });
    expect(first.count).toBe(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await trpc.members.list.query({ workspaceSlug: 'acme', limit: 2, cursor: first.nextCursor! });
    expect(second.data[0]!.id).toBeGreaterThan(first.data[1]!.id);
    const envs = await trpc.environments.list.query({ projectSlug: 'shop', limit: 1000 });
    expect(envs.nextCursor).toBeNull();
    expect((await trpc.cloudConnections.list.query({ workspaceSlug: 'acme', status: 'all', limit: 5 })).nextCursor).toEqual(expect.any(String));
    expect((await trpc.resources.list.query({ projectSlug: 'shop', environmentSlug: 'master', limit: 5 })).count).toBe(5);
    const zones = await trpc.dns.listZones.query({ projectSlug: 'shop', environmentSlug: 'master', limit: 4 });
    const rest = await trpc.dns.listZones.query({ projectSlug: 'shop', environmentSlug: 'master', cursor: zones.nextCursor! });
    expect([...zones.data, ...rest.data].map((z) => z.id)).toHaveLength(N);
    expect(rest.nextCursor).toBeNull();
    expect(await trpcFailure(trpc.members.list.query({ workspaceSlug: 'acme', limit: 0 }))).toMatchObject({
      error: 'Validation failed',
      details: [{ path: 'limit', message: 'must be an integer from 1 to 1000' }],
    });
    expect(await trpcFailure(trpc.dns.listZones.query({ projectSlug: 'shop', environmentSlug: 'master', cursor: first.nextCursor! }))).toMatchObject({
      error: 'Validation failed',
      details: [{ path: 'cursor', message: 'is not a cursor of this list' }],
    });
  });

  it('bad limit or cursor → 400 Validation failed naming the field, on every list', async () => {
    const membersCursor = (await server.rest('GET', `${LISTS.members}?limit=1`, { token })).body.nextCursor as string;
    const other = await server.rest('POST', '/api/workspaces', { token, body: { name: 'Other' } });
    expect(other.status).toBe(201);
    const otherCursor = Buffer.from(JSON.stringify({ l: 'members', s: other.body.data.id, a: 1 })).toString('base64url');
    for (const [name, path] of Object.entries(LISTS)) {
      for (const limit of ['0', '1001', 'abc', '1.5', '-1', '', '01']) {
        const res = await server.rest('GET', withQuery(path, `limit=${limit}`), { token });
        expect(res.status, `${name} limit=${limit}`).toBe(400);
        expect(res.body.details, `${name} limit=${limit}`).toEqual([{ path: 'limit', message: 'must be an integer from 1 to 1000' }]);
      }
      const foreign = name === 'members' ? otherCursor : membersCursor;
      for (const cursor of ['not a cursor!', 'eyJ', Buffer.from('{"l":1}').toString('base64url'), foreign, 'A'.repeat(5000)]) {
        const res = await server.rest('GET', withQuery(path, `cursor=${encodeURIComponent(cursor)}`), { token });
        expect(res.status, `${name} cursor=${cursor.slice(0, 20)}`).toBe(400);
        expect(res.body).toMatchObject({ error: 'Validation failed', details: [{ path: 'cursor', message: 'is not a cursor of this list' }] });
      }
    }
  });

  it('without limit: at most 1 000 rows and a cursor to the rest', async () => {
    for (let i = 0; i < 1000; i++) {
      await server.storage.environments.createEnvironment({ projectId, name: `bulk${i}`, slug: `bulk${i}`, description: null, isDefault: false, now });
    }
    const total = 1 + N + 1000;
    const first = await server.rest('GET', LISTS.environments, { token });
    expect(first.body.count).toBe(1000);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await server.rest('GET', `${LISTS.environments}?cursor=${first.body.nextCursor}`, { token });
    expect(second.body.count).toBe(total - 1000);
    expect(second.body.nextCursor).toBeNull();
  }, 60_000);
});
