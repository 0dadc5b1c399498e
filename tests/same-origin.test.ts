import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createEngine, type Engine } from '@cloudlink/engine';
import { createFakeClock, createTestSecretBox } from '@cloudlink/engine/testing';
import { createCloudlinkRestRouter, requireSameOrigin } from '@cloudlink/express-adapter';
import { createBackendStorage, describeBackends, type TestStorage } from './harness/index.js';

/**
 * The express-adapter README's cookie-session example, wired exactly as written there, over real
 * HTTP and a real database: the "session" cookie is the user id (a stand-in for a real session).
 */
const CROSS_SITE = { error: 'Forbidden', message: 'Cross-site request refused: the Origin of this request is not allowed' };

describeBackends('requireSameOrigin on a cookie-authenticated host', (backend) => {
  let db: TestStorage;
  let engine: Engine;
  let server: Server;
  let base: string;
  let cookie: string;
  let guestEmail: string;
  let before: string;
  const snapshot = async () => JSON.stringify(await Promise.all(['workspace_members', 'cloud_connections'].map((t) => db.peek.rows(t))));

  beforeAll(async () => {
    db = await createBackendStorage(backend);
    engine = createEngine({ storage: db.storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com', clock: createFakeClock() });
    const app = express();
    // --- as in packages/express-adapter/README.md, "Cookie-authenticated hosts" ---
    app.use(
      '/api',
      requireSameOrigin({ allowedOrigins: ['https://app.example.com'] }),
      createCloudlinkRestRouter({ engine, authenticate: (req) => sessionUser(req.headers.cookie) }),
    );
    // ---
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const owner = await db.storage.users.createUser({ email: 'owner@example.com', name: 'Owner', now: new Date() });
    guestEmail = (await db.storage.users.createUser({ email: 'guest@example.com', name: 'Guest', now: new Date() })).email;
    cookie = `session=${owner.id}`;
    const ws = await post('/api/workspaces', { origin: base, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, JSON.stringify({ name: 'Acme' }));
    expect(ws.status).toBe(201);
    const workspace = await db.storage.workspaces.getWorkspaceBySlug('acme');
    const plan = await db.storage.plans.getPlanBySlug('ultimate');
    await db.storage.workspaces.setWorkspacePlan({ workspaceId: workspace!.id, planId: plan!.id, now: new Date() });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.close();
    await db.cleanup();
  });
  beforeEach(async () => {
    before = await snapshot();
  });

  function sessionUser(header: string | undefined) {
    const match = /(?:^|;\s*)session=([1-9]\d*)/.exec(header ?? '');
    return match ? { userId: Number(match[1]) } : null;
  }

  async function post(path: string, headers: Record<string, string>, body?: string) {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { cookie, ...headers }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('refuses a cross-site form POST with 403 and changes nothing', async () => {
    const res = await post(
      `/api/workspaces/acme/members?email=${guestEmail}&role=admin`,
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      `email=${guestEmail}&role=admin`,
    );
    expect(res).toEqual({ status: 403, body: CROSS_SITE });
    expect(await snapshot()).toBe(before);
  });

  it('refuses a body-less cross-site fetch (no Content-Type, so not a 415) that would create a connection', async () => {
    const res = await post('/api/cloud-connections/acme/connect-gcp', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(res).toEqual({ status: 403, body: CROSS_SITE });
    expect(await snapshot()).toBe(before);
  });

  it('refuses Origin: null and a same-site page that is not listed', async () => {
    expect((await post('/api/cloud-connections/acme/connect-gcp', { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post('/api/cloud-connections/acme/connect-gcp', { origin: 'https://blog.example.com', 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it('refuses an allowedOrigins entry that is not an origin when the app is built', () => {
    for (const bad of ['app.example.com', 'data:text/html,x', 'null']) expect(() => requireSameOrigin({ allowedOrigins: [bad] }), bad).toThrow(TypeError);
  });

  it('lets a same-origin write through', async () => {
    const res = await post('/api/workspaces/acme/members', { origin: base, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, JSON.stringify({ email: guestEmail, role: 'dev' }));
    expect(res.status).toBe(201);
    expect(await snapshot()).not.toBe(before);
  });

  it('lets a listed origin, a request without browser headers and a cross-site read through', async () => {
    const listed = await post('/api/cloud-connections/acme/connect-gcp', { origin: 'https://app.example.com', 'sec-fetch-site': 'same-site' });
    expect(listed.status).toBe(201);
    const curl = await post('/api/cloud-connections/acme/connect-gcp', {});
    expect(curl.status).toBe(201);
    // A browser that sends Origin but not Sec-Fetch-Site: compared with the API's own origin (Host).
    const ownOrigin = await post('/api/cloud-connections/acme/connect-gcp', { origin: base });
    expect(ownOrigin.status).toBe(201);
    const read = await fetch(`${base}/api/workspaces/acme`, { headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(read.status).toBe(200);
  });
});
