import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createEngine, providerError, REQUEST_ID_HEADER, requestIdFrom, type Engine } from '@cloudlink/engine';
import { createTestSecretBox } from '@cloudlink/engine/testing';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { cloudlinkResponseMeta, cloudlinkTrpcLimits, createCloudlinkRouter, createCloudlinkTrpcHandler, type CloudlinkContext } from '../src/index.js';

/**
 * The cloudlink handler answers a single GET query itself (src/fast-query.ts) instead of going
 * through tRPC's Node adapter. Every request here goes to both that handler and tRPC's plain
 * standalone adapter over the same router, limits and responseMeta: status, headers, body and
 * what `onError` saw must be identical, whichever path served it.
 */

/** Framing and connection headers: the fast path sends Content-Length, the adapter chunks. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Which path served it: only the fast path knows the length up front. */
  servedBy: 'fast' | 'adapter';
}

interface Seen {
  code: string;
  message: string;
  path: string | undefined;
  type: string;
  input: unknown;
  ctx: boolean;
}

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function answerOf(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const body = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    if (!TRANSPORT.has(key)) headers[key] = value;
  });
  const servedBy = res.headers.get('transfer-encoding') === 'chunked' ? 'adapter' : 'fast';
  if (servedBy === 'fast' && init.method !== 'HEAD') expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
  return { status: res.status, headers, body, servedBy };
}

/** Who the test's `Authorization: Bearer <userId>` names; `Bearer explode` makes createContext throw a throttling error. */
function contextOf(req: IncomingMessage): CloudlinkContext {
  const auth = req.headers.authorization;
  if (auth === 'Bearer explode') throw providerError('Provider unavailable', 'Identity provider throttled', { throttled: true, retryAfter: 3 });
  const id = auth?.startsWith('Bearer ') ? Number(auth.slice(7)) : NaN;
  return { actor: Number.isInteger(id) ? { userId: id } : null };
}

describe('the single-GET-query fast path answers exactly as tRPC’s adapter', () => {
  const storage = createSqliteStorage({ filename: ':memory:' });
  const real = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com' });
  // One engine failure that asks to wait (Retry-After): `workspaces.usage` of workspace `throttled`.
  const engine = new Proxy(real, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'workspaces') return value;
      const group = value as Engine['workspaces'];
      return new Proxy(group, {
        get(g, k) {
          const method: unknown = Reflect.get(g, k, g);
          if (k !== 'usage' || typeof method !== 'function') return method;
          return async (actor: never, input: { workspaceSlug?: string }) => {
            if (input?.workspaceSlug === 'throttled') throw providerError('Failed to list DNS records', 'ListResourceRecordSets failed: Throttling: Rate exceeded', { throttled: true, retryAfter: 7 });
            // A body off its documented schema (a key the schema does not list): output validation refuses it.
            if (input?.workspaceSlug === 'stray') return { message: 'Workspace usage retrieved successfully', stray: true };
            return (method as (a: never, i: unknown) => Promise<unknown>).call(g, actor, input);
          };
        },
      });
    },
  }) as Engine;

  const seen: Record<'fast' | 'plain', Seen[]> = { fast: [], plain: [] };
  const record =
    (side: 'fast' | 'plain') =>
    (opts: { error: TRPCError; path: string | undefined; type?: string; input?: unknown; ctx?: unknown }): void => {
      seen[side].push({ code: opts.error.code, message: opts.error.message, path: opts.path, type: opts.type ?? '?', input: opts.input, ctx: opts.ctx !== undefined });
    };

  let fastServer: Server;
  let plainServer: Server;
  let fastUrl = '';
  let plainUrl = '';
  let owner = 0;
  let outsider = 0;

  beforeAll(async () => {
    await storage.migrate();
    const seeded = await real.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'owner@example.com', role: 'owner' });
    owner = seeded.user.id;
    await real.operator.seed({ workspace: 'other', project: 'site', environment: 'prod', email: 'outsider@example.com', role: 'owner' });
    outsider = (await storage.users.getUserByEmail('outsider@example.com'))!.id;
    // A few rows, so the success bodies carry data.
    const now = new Date('2026-01-01T00:00:00Z');
    const workspace = (await storage.workspaces.getWorkspaceBySlug('acme'))!;
    const project = (await storage.projects.getProjectBySlug('web'))!;
    const environment = (await storage.environments.getEnvironmentBySlug(project.id, 'prod'))!;
    for (const provider of ['aws', 'gcp'] as const) {
      await storage.connections.createConnection({
        workspaceId: workspace.id, provider, createdBy: owner, region: 'us-east-1',
        accountName: `${provider}-account`, externalId: `ext-${provider}`, stackName: `stack-${provider}`, now,
      });
    }
    await storage.resources.createResource({
      workspaceId: workspace.id, projectId: project.id, environmentId: environment.id, cloudConnectionId: null,
      resourceType: 'dns', resourceId: 'Z000000000001', name: 'example.com', region: null, status: 'active', domainName: 'example.com',
      metadata: { provider: 'route53', domainName: 'example.com', hostedZoneId: 'Z000000000001', nameServers: ['ns-1.awsdns-01.org'], comment: null, dns_active: true, adopted: false },
      secretData: null, positionX: null, positionY: null, createdBy: owner, now,
    });

    const fast = createCloudlinkTrpcHandler({ engine, createContext: ({ req }) => contextOf(req), onError: record('fast') });
    // tRPC's plain adapter with what the cloudlink handler adds around it: the request id and its context rule.
    const adapter = createHTTPHandler({
      router: createCloudlinkRouter({ engine }),
      basePath: '/trpc',
      ...cloudlinkTrpcLimits,
      responseMeta: cloudlinkResponseMeta,
      createContext: ({ req, res }) => {
        const context = contextOf(req);
        const requestId = String(res.getHeader(REQUEST_ID_HEADER));
        return context.actor ? { ...context, actor: { ...context.actor, requestId } } : context;
      },
      onError: record('plain'),
    });
    const plain: RequestListener = (req, res) => {
      res.setHeader(REQUEST_ID_HEADER, requestIdFrom(req.headers['x-request-id']));
      adapter(req, res);
    };
    ({ server: fastServer, url: fastUrl } = await listen(fast));
    ({ server: plainServer, url: plainUrl } = await listen(plain));
  });
  afterAll(async () => {
    await close(fastServer);
    await close(plainServer);
    await real.close();
  });

  /** The same request to both; returns the fast handler's answer after checking it equals the adapter's. */
  async function same(target: string, opts: { user?: number | 'explode'; headers?: Record<string, string>; method?: string; servedBy: 'fast' | 'adapter' }): Promise<Answer> {
    const headers: Record<string, string> = { 'x-request-id': 'req-fast-query-test', ...opts.headers };
    if (opts.user !== undefined) headers.authorization = `Bearer ${opts.user}`;
    const init: RequestInit = { method: opts.method ?? 'GET', headers };
    seen.fast.length = 0;
    seen.plain.length = 0;
    const fast = await answerOf(`${fastUrl}/trpc/${target}`, init);
    const plain = await answerOf(`${plainUrl}/trpc/${target}`, init);
    expect(plain.servedBy).toBe('adapter');
    expect({ status: fast.status, headers: fast.headers, body: fast.body }).toEqual({ status: plain.status, headers: plain.headers, body: plain.body });
    expect(seen.fast).toEqual(seen.plain);
    expect(fast.servedBy, 'which path served it').toBe(opts.servedBy);
    return fast;
  }

  const q = (procedure: string, input?: unknown) => (input === undefined ? procedure : `${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const errorOf = (a: Answer) => (JSON.parse(a.body) as { error: { message: string; data: { code: string; httpStatus: number; path?: string; cloudlink: unknown; retryAfter?: number } } }).error;

  it('serves successful queries: cloudConnections.list, dns.listZones, workspaces.get, workspaces.usage', async () => {
    const list = await same(q('cloudConnections.list', { workspaceSlug: 'acme', status: 'all' }), { user: owner, servedBy: 'fast' });
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe('application/json');
    expect(list.headers.vary).toBe('trpc-accept, accept');
    expect(list.headers[REQUEST_ID_HEADER.toLowerCase()]).toBe('req-fast-query-test');
    expect(JSON.stringify((JSON.parse(list.body) as { result: { data: unknown } }).result.data)).toContain('aws-account');
    const zones = await same(q('dns.listZones', { projectSlug: 'web', environmentSlug: 'prod' }), { user: owner, servedBy: 'fast' });
    expect(zones.status).toBe(200);
    expect(zones.body).toContain('example.com');
    expect((await same(q('workspaces.get', { workspaceSlug: 'acme' }), { user: owner, servedBy: 'fast' })).status).toBe(200);
    expect((await same(q('workspaces.usage', { workspaceSlug: 'acme' }), { user: owner, servedBy: 'fast' })).status).toBe(200);
  });

  it('answers the engine’s errors the same: 401, 404, 403, 400 validation, missing and empty input', async () => {
    const cases = [
      [q('cloudConnections.list', { workspaceSlug: 'acme' }), undefined, 401, 'UNAUTHORIZED'],
      [q('workspaces.get', { workspaceSlug: 'nope' }), owner, 404, 'NOT_FOUND'],
      [q('cloudConnections.list', { workspaceSlug: 'acme' }), outsider, 403, 'FORBIDDEN'],
      [q('dns.listZones', { projectSlug: 'web', environmentSlug: 'prod' }), outsider, 403, 'FORBIDDEN'],
      [q('cloudConnections.list', { workspaceSlug: 'acme', status: 'bogus' }), owner, 400, 'BAD_REQUEST'],
      // No input (none, or empty) reaches the engine as `{}`: no such workspace.
      [q('workspaces.get'), owner, 404, 'NOT_FOUND'],
      ['workspaces.get?input=', owner, 404, 'NOT_FOUND'],
    ] as const;
    for (const [target, user, status, code] of cases) {
      const answer = await same(target, { ...(user === undefined ? {} : { user }), servedBy: 'fast' });
      const error = errorOf(answer);
      expect([answer.status, error.data.code, error.data.httpStatus], target).toEqual([status, code, status]);
      expect(error.data.path, target).toBe(target.split('?')[0]);
      expect(error.data.cloudlink, target).toMatchObject({ error: expect.any(String), message: error.message });
      expect(answer.headers['retry-after'], target).toBeUndefined();
    }
  });

  it('sends Retry-After when the engine asks to wait, and when createContext fails', async () => {
    const throttled = await same(q('workspaces.usage', { workspaceSlug: 'throttled' }), { user: owner, servedBy: 'fast' });
    expect(throttled.status).toBe(503);
    expect(throttled.headers['retry-after']).toBe('7');
    expect(errorOf(throttled).data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 7, path: 'workspaces.usage' });
    const failedContext = await same(q('workspaces.get', { workspaceSlug: 'acme' }), { user: 'explode', servedBy: 'fast' });
    expect(failedContext.status).toBe(500);
    expect(failedContext.headers['retry-after']).toBe('3');
  });

  it('validates outputs on the fast path as the adapter does: a body off its schema is a 500 on both', async () => {
    const stray = await same(q('workspaces.usage', { workspaceSlug: 'stray' }), { user: owner, servedBy: 'fast' });
    expect(stray.status).toBe(500);
    expect(errorOf(stray).data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', path: 'workspaces.usage', cloudlink: { error: 'Internal server error' } });
    expect(stray.body).not.toContain('stray');
    expect(seen.fast.map((e) => e.code)).toEqual(['INTERNAL_SERVER_ERROR']);
  });

  it('leaves everything else to the adapter, with the same answer', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { workspaceSlug: 'acme' }, 1: { workspaceSlug: 'acme' } }));
    const cases: [string, Parameters<typeof same>[1], number][] = [
      ['workspaces.get?input=%7Bbad', { user: owner, servedBy: 'adapter' }, 400],
      [q('nope.list', {}), { user: owner, servedBy: 'adapter' }, 404],
      [q('workspaces.create', { name: 'Via GET' }), { user: owner, servedBy: 'adapter' }, 405],
      [`workspaces.get,cloudConnections.list?batch=1&input=${input}`, { user: owner, servedBy: 'adapter' }, 200],
      [q('workspaces.get', { workspaceSlug: 'acme' }), { user: owner, headers: { 'trpc-accept': 'application/jsonl' }, servedBy: 'adapter' }, 400],
      [q('workspaces.get', { workspaceSlug: 'acme' }), { user: owner, headers: { 'content-type': 'multipart/form-data' }, servedBy: 'adapter' }, 405],
      [`${q('workspaces.get', { workspaceSlug: 'acme' })}&connectionParams=%7B%7D`, { user: owner, servedBy: 'adapter' }, 200],
      [q('workspaces%2Eget', { workspaceSlug: 'acme' }), { user: owner, servedBy: 'adapter' }, 200],
    ];
    for (const [target, opts, status] of cases) expect((await same(target, opts)).status, target).toBe(status);
    expect((await same(q('workspaces.create', { name: 'Via GET' }), { user: owner, servedBy: 'adapter' })).headers.allow).toBe('POST');
    // The malformed ?input= keeps its REST validation body.
    expect(errorOf(await same('workspaces.get?input=%7Bbad', { user: owner, servedBy: 'adapter' })).data.cloudlink).toEqual({
      error: 'Validation failed',
      message: 'input: malformed JSON',
      details: [{ path: 'input', message: 'malformed JSON' }],
    });
    expect(await storage.workspaces.getWorkspaceBySlug('via-get')).toBeFalsy();
  });

  it('chooses a fresh request id when none is sent, on both paths', async () => {
    for (const target of [q('workspaces.get', { workspaceSlug: 'acme' }), q('nope.list', {})]) {
      const res = await fetch(`${fastUrl}/trpc/${target}`, { headers: { authorization: `Bearer ${owner}` } });
      expect(res.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
      await res.text();
    }
  });
});
