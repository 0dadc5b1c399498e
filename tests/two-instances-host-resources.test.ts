import { createSandboxProviders } from '@cloudlink/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type RestResponse, type TestServer } from './harness/index.js';

/**
 * Two app instances on ONE Postgres database (see two-instances.test.ts) racing host resource
 * registers against the unlink of their project and the delete of its cloud connection. Whatever
 * the interleaving, an active host resource never names a connection its project is no longer
 * linked to, nor a deleted one (docs/resources.md#effects-on-cloud-connections); and the answers
 * agree with the rows.
 */
const ROUNDS = 9;
type Row = Record<string, unknown>;
const id = (v: unknown) => Number(v);

describe('two app instances: host resource registers racing unlink and connection delete', () => {
  let a: TestServer;
  let b: TestServer;
  let token: string;
  let ws: string;
  let serial = 0;

  const pair = (round: number): [TestServer, TestServer] => (round % 2 === 0 ? [a, b] : [b, a]);
  /** Send request `i` to instance `i % 2` (order flipped by round), all at once. */
  const race = (round: number, requests: ((server: TestServer) => Promise<RestResponse>)[]) => Promise.all(requests.map((send, i) => send(pair(round)[i % 2]!)));
  const rows = (table: string) => a.peek.rows(table);

  /** A new project linked to a new connected AWS connection. */
  async function linkedProject(): Promise<{ slug: string; projectId: number; connectionId: number }> {
    const n = ++serial;
    const project = await a.rest('POST', `/api/workspaces/${ws}/projects`, { token, body: { name: `Hosted ${n}` } });
    expect(project.status).toBe(201);
    const started = await a.rest('POST', `/api/cloud-connections/${ws}/connect-aws`, { token, body: {} });
    const connectionId = started.body.data.connectionId as number;
    expect((await b.rest('POST', `/api/cloud-connections/${ws}/${connectionId}/complete`, { token, body: { accountId: '123456789012', accountName: `Account ${n}` } })).status).toBe(200);
    expect((await a.rest('PATCH', `/api/projects/${project.body.data.slug}/connect-cloud/${connectionId}`, { token })).status).toBe(200);
    return { slug: project.body.data.slug, projectId: project.body.data.id, connectionId };
  }

  /**
   * The unlink or delete of round `round`, sent 0, 5 or 15 ms after the registers: the same tick
   * lets it win almost always, so the later starts give the registers their turns first. Only
   * the mix of interleavings depends on it; the assertions hold for every order.
   */
  const later = (round: number, send: (s: TestServer) => Promise<RestResponse>) => async (s: TestServer) => {
    await new Promise((resolve) => setTimeout(resolve, [0, 5, 15][round % 3]));
    return send(s);
  };

  const register = (slug: string, name: string) => (s: TestServer) =>
    s.rest('POST', `/api/${slug}/master/resources`, { token, body: { resourceType: 'instance', name, dnsTarget: { addresses: ['192.0.2.10'] } } });

  /** The invariant over every row of the database. */
  async function expectNoDanglingLinks(): Promise<void> {
    const projects = new Map((await rows('projects')).map((p) => [id(p.id), p]));
    const active = new Set((await rows('cloud_connections')).filter((c) => c.is_active === true).map((c) => id(c.id)));
    const dangling = (await rows('resources')).filter((r: Row) => {
      if (r.is_active !== true || r.resource_type === 'dns' || r.resource_type === 'subdomain' || r.cloud_connection_id === null) return false;
      const linked = projects.get(id(r.project_id))?.connected_cloud_id;
      return linked === null || id(linked) !== id(r.cloud_connection_id) || !active.has(id(r.cloud_connection_id));
    });
    expect(dangling).toEqual([]);
  }

  beforeAll(async () => {
    const { providers } = createSandboxProviders();
    a = await startTestServer({ backend: 'postgres', providers, engineOptions: { aws: { accountId: '999999999999' } } });
    b = await startTestServer({ backend: 'postgres', providers, engineOptions: { aws: { accountId: '999999999999' } }, attachTo: a });
    token = (await a.createUser('owner@example.com')).token;
    const created = await a.rest('POST', '/api/workspaces', { token, body: { name: 'Hosting' } });
    ws = created.body.data.slug;
    const ultimate = await a.storage.plans.getPlanBySlug('ultimate');
    await a.storage.workspaces.setWorkspacePlan({ workspaceId: created.body.data.id, planId: ultimate!.id, now: new Date() });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('register vs disconnect-cloud: either the unlink wins (and the resources record no link) or it is refused', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { slug, projectId, connectionId } = await linkedProject();
      const results = await race(round, [register(slug, 'r0'), later(round, (s) => s.rest('PATCH', `/api/projects/${slug}/disconnect-cloud`, { token })), register(slug, 'r1'), register(slug, 'r2')]);
      const [unlink, ...registers] = [results[1]!, results[0]!, results[2]!, results[3]!];
      expect(registers.map((r) => r.status)).toEqual([201, 201, 201]);
      const mine = (await rows('resources')).filter((r) => id(r.project_id) === projectId);
      const project = (await rows('projects')).find((p) => id(p.id) === projectId)!;
      if (unlink.status === 200) {
        // The unlink ran first: every register after it saw no link.
        expect(project.connected_cloud_id).toBeNull();
        expect(mine.map((r) => r.cloud_connection_id)).toEqual([null, null, null]);
      } else {
        expect([unlink.status, unlink.body.error]).toEqual([409, 'Cannot disconnect cloud']);
        expect(id(project.connected_cloud_id)).toBe(connectionId);
        // At least one register came first; any registered before it records the link.
        expect(mine.some((r) => id(r.cloud_connection_id) === connectionId)).toBe(true);
      }
      await expectNoDanglingLinks();
    }
  });

  it('register vs connection delete: either the delete wins (project unlinked, no resource names it) or it is refused with the project name', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { slug, projectId, connectionId } = await linkedProject();
      const results = await race(round, [register(slug, 'r0'), later(round, (s) => s.rest('DELETE', `/api/cloud-connections/${ws}/${connectionId}`, { token })), register(slug, 'r1')]);
      const del = results[1]!;
      expect([results[0]!.status, results[2]!.status]).toEqual([201, 201]);
      const mine = (await rows('resources')).filter((r) => id(r.project_id) === projectId);
      const connection = (await rows('cloud_connections')).find((c) => id(c.id) === connectionId)!;
      if (del.status === 200) {
        expect(connection.is_active).toBe(false);
        expect(mine.map((r) => r.cloud_connection_id)).toEqual([null, null]);
      } else {
        expect([del.status, del.body.error]).toEqual([409, 'Cannot delete connection']);
        expect(del.body.message).toContain(`Hosted ${serial}`);
        expect(connection.is_active).toBe(true);
        expect(mine.some((r) => id(r.cloud_connection_id) === connectionId)).toBe(true);
      }
      await expectNoDanglingLinks();
    }
  });

  it('concurrent creates of one subdomain: exactly one is created, the others are 409', async () => {
    const { slug } = await linkedProject();
    const zone = await a.rest('POST', `/api/${slug}/master/dns`, { token, body: { name: 'cf', domainName: 'race.example.org', provider: 'cloudflare', cloudflareApiToken: 'cf-token' } });
    expect(zone.status).toBe(201);
    for (let round = 0; round < ROUNDS; round++) {
      const spellings = [`s${round}`, `S${round}.race.example.org.`, `s${round}.race.example.org`, `S${round}`];
      const results = await race(round, spellings.map((name) => (s: TestServer) => s.rest('POST', `/api/${slug}/master/subdomains`, { token, body: { zoneId: zone.body.data.id, name } })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const lost of results.filter((r) => r.status === 409)) expect(lost.body).toEqual({ error: 'Subdomain already exists', message: `A subdomain s${round}.race.example.org already exists in this zone` });
      const stored = (await rows('resources')).filter((r) => r.domain_name === `s${round}.race.example.org` && r.is_active === true);
      expect(stored).toHaveLength(1);
    }
  });
});
