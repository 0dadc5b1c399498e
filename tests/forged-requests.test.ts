import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { CF_TOKEN, useDnsWorld } from './dns-fixture.js';
import { describeBackends, startTestServer, type TestServer } from './harness/index.js';

/**
 * Requests a cross-site page can make a browser send without a CORS preflight: an HTML form (GET or
 * POST, bodies `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`) or a
 * "simple" fetch. On a host that authenticates with a cookie the browser attaches it; the harness
 * authenticates with a Bearer token, which stands in for that cookie here. None of these requests
 * may change a row.
 */
const UNSUPPORTED = { error: 'Unsupported media type', message: 'Request body must be JSON (Content-Type: application/json)' };

describeBackends('forged requests over REST', (backend) => {
  let server: TestServer;
  let owner: { id: number; token: string };
  let mallory: { email: string };
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    owner = await server.createUser('owner@example.com', 'Owner');
    mallory = await server.createUser('mallory@example.com', 'Mallory');
    expect((await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' } })).status).toBe(201);
    // The top plan, so that no plan limit hides a forged write that would otherwise go through.
    const workspace = await server.storage.workspaces.getWorkspaceBySlug('acme');
    const plan = await server.storage.plans.getPlanBySlug('ultimate');
    await server.storage.workspaces.setWorkspacePlan({ workspaceId: workspace!.id, planId: plan!.id, now: new Date() });
    expect((await server.rest('POST', '/api/workspaces/acme/projects', { token: owner.token, body: { name: 'Shop' } })).status).toBe(201);
    const tables = ['workspaces', 'workspace_members', 'projects', 'environments', 'cloud_connections'];
    snapshot = async () => JSON.stringify(await Promise.all(tables.map((t) => server.peek.rows(t))));
  });
  afterAll(() => server.close());

  let before: string;
  beforeEach(async () => {
    before = await snapshot();
  });

  it('a form POST with the member in the query string adds nobody (415)', async () => {
    const res = await server.rest('POST', `/api/workspaces/acme/members?email=${encodeURIComponent(mallory.email)}&role=admin`, {
      token: owner.token,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1',
    });
    expect(res).toMatchObject({ status: 415, body: UNSUPPORTED });
    expect(await snapshot()).toBe(before);
  });

  it('a body-less POST with the member in the query string adds nobody (the query is not input)', async () => {
    const res = await server.rest('POST', `/api/workspaces/acme/members?email=${encodeURIComponent(mallory.email)}&role=admin`, { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed', details: [{ path: 'email', message: 'required' }] });
    expect(await snapshot()).toBe(before);
  });

  it('a text/plain form carrying JSON text is refused, not read as JSON nor as {}', async () => {
    const res = await server.rest('POST', '/api/workspaces/acme/members', {
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: mallory.email, role: 'admin' }),
    });
    expect(res).toMatchObject({ status: 415, body: UNSUPPORTED });
    expect(await snapshot()).toBe(before);
  });

  it('a multipart form is refused', async () => {
    const form = new FormData();
    form.set('email', mallory.email);
    form.set('role', 'admin');
    const res = await fetch(`${server.baseUrl}/api/workspaces/acme/members?email=${encodeURIComponent(mallory.email)}&role=admin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
      body: form,
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual(UNSUPPORTED);
    expect(await snapshot()).toBe(before);
  });

  it('creates nothing from a query string: workspace, project, environment, cloud connection', async () => {
    const forged = ['/api/workspaces?name=Forged', '/api/workspaces/acme/projects?name=Forged', '/api/projects/shop/environments?name=forged'];
    for (const path of forged) {
      const res = await server.rest('POST', path, { token: owner.token });
      expect(res.status, path).toBe(400);
      expect(res.body.details[0], path).toEqual({ path: 'name', message: 'required' });
    }
    expect(await snapshot()).toBe(before);
  });

  it('an HTML form with no fields (empty body, form Content-Type) reaches no operation', async () => {
    // connect-gcp needs no body field at all: read as {}, an empty form would create a connection.
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const res = await server.rest('POST', '/api/cloud-connections/acme/connect-gcp?accountName=forged', { token: owner.token, headers: { 'content-type': type }, body: '' });
      expect(res, type).toMatchObject({ status: 415, body: UNSUPPORTED });
    }
    expect(await snapshot()).toBe(before);
  });

  it('still reads a declared query parameter (list filter) and ignores an undeclared one', async () => {
    const res = await server.rest('GET', '/api/cloud-connections/acme?include_inactive=maybe', { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('include_inactive');
    const ignored = await server.rest('GET', '/api/workspaces/acme?workspaceSlug=other&anything=1', { token: owner.token });
    expect(ignored).toMatchObject({ status: 200, body: { data: { slug: 'acme' } } });
  });
});

describeBackends('forged requests over tRPC', (backend) => {
  let server: TestServer;
  let owner: { id: number; token: string };
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    owner = await server.createUser('owner@example.com', 'Owner');
    await server.createUser('mallory@example.com', 'Mallory');
    expect((await server.rest('POST', '/api/workspaces', { token: owner.token, body: { name: 'Acme' } })).status).toBe(201);
    snapshot = async () => JSON.stringify(await server.peek.rows('workspace_members'));
  });
  afterAll(() => server.close());

  const input = { workspaceSlug: 'acme', email: 'mallory@example.com', role: 'admin' };

  it('a form posted to a mutation (multipart, urlencoded, text/plain) is 415 and adds nobody', async () => {
    const before = await snapshot();
    const form = new FormData();
    for (const [k, v] of Object.entries(input)) form.set(k, v);
    const bodies: [string, RequestInit][] = [
      ['multipart', { body: form }],
      ['urlencoded', { body: new URLSearchParams(input).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['text/plain', { body: JSON.stringify(input), headers: { 'content-type': 'text/plain' } }],
    ];
    for (const [label, init] of bodies) {
      const res = await fetch(`${server.baseUrl}/trpc/members.add`, { ...init, method: 'POST', headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${owner.token}` } });
      const json = (await res.json()) as { error: { data: { cloudlink: unknown } } };
      expect(res.status, label).toBe(415);
      expect(json.error.data.cloudlink, label).toEqual(UNSUPPORTED);
    }
    expect(await snapshot()).toBe(before);
  });

  it('a GET (link, image, form method=get) cannot call a mutation', async () => {
    const before = await snapshot();
    const res = await fetch(`${server.baseUrl}/trpc/members.add?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(res.status).toBe(405);
    expect(await snapshot()).toBe(before);
  });
});

describeBackends('forged DNS writes over REST', (backend) => {
  const w = useDnsWorld(backend);

  it('a form POST cannot import an attacker-chosen Cloudflare zone from the query string', async () => {
    w.cf.addZone('forged.example', [CF_TOKEN]);
    const before = JSON.stringify(await Promise.all(['resources', 'dns_records'].map((t) => w.server.peek.rows(t))));
    const query = `name=forged&domainName=forged.example&cloudflareApiToken=${CF_TOKEN}`;
    const form = await w.server.rest('POST', `${w.base}/dns?${query}`, { token: w.token, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query });
    expect(form).toMatchObject({ status: 415, body: UNSUPPORTED });
    const bare = await w.server.rest('POST', `${w.base}/dns?${query}`, { token: w.token });
    expect(bare.status).toBe(400);
    expect(JSON.stringify(await Promise.all(['resources', 'dns_records'].map((t) => w.server.peek.rows(t))))).toBe(before);
  });
});
