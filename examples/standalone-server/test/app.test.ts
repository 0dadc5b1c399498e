import { waitFor } from '../../../test-support/wait.js';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createEngine, createSecretBox, parseEncryptionKeys } from '@cloudlink/engine';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createJwtAuth } from '../src/auth.js';
import { createLogger } from '../src/logging.js';

const KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  },
});
const storage = createSqliteStorage({ filename: ':memory:' });
const engine = createEngine({ storage, secrets: createSecretBox({ keys: parseEncryptionKeys(KEYS) }), publicUrl: 'http://localhost:3000' });
const auth = createJwtAuth({ secret: 'app-test-secret-0123456789abcdef0123456789' });
const app = createApp({ engine, auth, logger: createLogger({ destination: sink }) });
let base = '';
let server: ReturnType<typeof app.listen>;

beforeAll(async () => {
  await storage.migrate();
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await engine.close();
});

describe('createApp', () => {
  it('serves /healthz and /readyz', async () => {
    const h = await fetch(`${base}/healthz`);
    expect([h.status, await h.json()]).toEqual([200, { status: 'ok' }]);
    const r = await fetch(`${base}/readyz`);
    expect([r.status, await r.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('answers /readyz 503 with the reason while the database is not migrated', async () => {
    const bare = createSqliteStorage({ filename: ':memory:' });
    const unmigrated = createEngine({ storage: bare, secrets: createSecretBox({ keys: parseEncryptionKeys(KEYS) }), publicUrl: 'http://localhost:3000' });
    const other = createApp({ engine: unmigrated, auth, logger: createLogger({ level: 'silent' }) }).listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const r = await fetch(`${url}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toEqual({ status: 'not ready', message: expect.any(String) });
    } finally {
      await new Promise((r) => other.close(r));
      await unmigrated.close();
    }
  });

  it('answers 401 with the documented body without a valid Bearer token', async () => {
    const res = await fetch(`${base}/api/workspaces/acme`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized', message: 'Missing or invalid authentication token' });
  });

  it('serves REST with a token of a seeded user, and tRPC on /trpc', async () => {
    const seeded = await engine.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'o@example.com', role: 'owner' });
    const token = await auth.issue({ id: seeded.user.id });
    const res = await fetch(`${base}/api/workspaces/acme`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { slug: string } }).data.slug).toBe('acme');
    const t = await fetch(`${base}/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceSlug: 'acme' }))}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(t.status).toBe(200);
    expect(((await t.json()) as { result: { data: { data: { slug: string } } } }).result.data.data.slug).toBe('acme');
  });

  it('echoes X-Request-Id and logs it on the access line; unknown routes are JSON 404s', async () => {
    const res = await fetch(`${base}/nowhere`, { headers: { 'x-request-id': 'req-abc.1' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc.1');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Not found', message: 'Route GET /nowhere not found' });
    await waitFor(() => lines.some((l) => l.reqId === 'req-abc.1'), 'the access line of req-abc.1');
    expect(lines.find((l) => l.reqId === 'req-abc.1')).toMatchObject({ path: '/nowhere', status: 404 });
    const generated = (await fetch(`${base}/healthz`)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names a request without X-Request-Id once: the id on the REST answer is the id of its access line', async () => {
    const res = await fetch(`${base}/api/workspaces/request-id-check`);
    expect(res.status).toBe(401);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => lines.some((l) => l.path === '/api/workspaces/request-id-check' && l.status === 401), 'the access line of the 401');
    expect(lines.find((l) => l.path === '/api/workspaces/request-id-check' && l.status === 401)?.reqId).toBe(id);
    const trpc = await fetch(`${base}/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceSlug: 'request-id-trpc' }))}`);
    const trpcId = trpc.headers.get('x-request-id');
    await waitFor(() => lines.some((l) => l.path === '/trpc/workspaces.get' && l.reqId === trpcId), 'the access line of the tRPC call, with the same id');
  });

  it('puts the request id on the error lines of a failed REST or tRPC request', async () => {
    // An unmigrated database: every API read fails inside the engine, a 500 the log must explain.
    const bare = createSqliteStorage({ filename: ':memory:' });
    const broken = createEngine({ storage: bare, secrets: createSecretBox({ keys: parseEncryptionKeys(KEYS) }), publicUrl: 'http://localhost:3000' });
    const errors: Record<string, unknown>[] = [];
    const errorSink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) errors.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const other = createApp({ engine: broken, auth, logger: createLogger({ destination: errorSink }) }).listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const headers = { authorization: `Bearer ${await auth.issue({ id: 1 })}` };
      const rest = await fetch(`${url}/api/workspaces/acme`, { headers: { ...headers, 'x-request-id': 'broken-rest-1' } });
      expect(rest.status).toBe(500);
      const trpc = await fetch(`${url}/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceSlug: 'acme' }))}`, { headers: { ...headers, 'x-request-id': 'broken-trpc-1' } });
      expect(trpc.status).toBe(500);
      await waitFor(() => errors.filter((l) => l.level === 50 && l.msg !== 'request failed').length >= 2, 'two error lines');
      const failures = errors.filter((l) => l.level === 50 && l.msg !== 'request failed');
      expect(failures.map((l) => [l.msg, l.reqId])).toEqual(
        expect.arrayContaining([
          [expect.stringMatching(/^cloudlink: /), 'broken-rest-1'],
          ['tRPC procedure failed', 'broken-trpc-1'],
        ]),
      );
    } finally {
      await new Promise((r) => other.close(r));
      await broken.close();
    }
  });

  it('serves the API reference page at /docs and the OpenAPI document', async () => {
    const docs = await fetch(`${base}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('/api/openapi.json');
    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).length).toBeGreaterThan(5);
  });
});
