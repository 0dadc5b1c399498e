import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createEngine, type Engine } from '@cloudlink/engine';
import { createFakeClock, createMemoryStorage, createTestSecretBox, type MemoryStorage } from '@cloudlink/engine/testing';
import { cloudlinkTrpcLimits, createCloudlinkRouter, createCloudlinkTrpcHandler, type CloudlinkRouter } from '../src/index.js';

const TOO_LARGE = { error: 'Payload too large', message: 'Request body exceeds 5 MB' };
const URL_TOO_LONG = { error: 'Payload too large', message: 'Request URL exceeds 16 KB' };
const UNSUPPORTED = { error: 'Unsupported media type', message: 'Request body must be JSON (Content-Type: application/json)' };
const FIVE_MB = 5 * 1024 * 1024;

function memoryEngine(): { engine: Engine; storage: MemoryStorage } {
  const storage = createMemoryStorage({ migrated: true });
  const engine = createEngine({ storage, secrets: createTestSecretBox(), publicUrl: 'https://cloudlink.example.com', clock: createFakeClock() });
  return { engine, storage };
}

async function listen(handler: RequestListener, maxHeaderSize?: number): Promise<{ server: Server; url: string }> {
  const server = createServer(maxHeaderSize === undefined ? {} : { maxHeaderSize }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** One raw request: status and the tRPC error's `data` (or the whole JSON). */
async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  const json = text === '' ? undefined : (JSON.parse(text) as { error?: { data?: { cloudlink?: unknown; code?: string; httpStatus?: number } } });
  return { status: res.status, json, cloudlink: json?.error?.data?.cloudlink, code: json?.error?.data?.code };
}

describe('createCloudlinkTrpcHandler (the safe mount), over HTTP', () => {
  let engine: Engine;
  let storage: MemoryStorage;
  let server: Server;
  let big: Server;
  let base: string;
  let bigBase: string;

  beforeAll(async () => {
    ({ engine, storage } = memoryEngine());
    const user = await storage.users.createUser({ email: 'owner@example.com', name: 'Owner', now: new Date() });
    const handler = createCloudlinkTrpcHandler({ engine, createContext: () => ({ actor: { userId: user.id } }) });
    ({ server, url: base } = await listen(handler));
    // A host that raised Node's header limit: the handler still bounds the URL itself.
    ({ server: big, url: bigBase } = await listen(handler, 256 * 1024));
  });
  afterAll(async () => {
    await close(server);
    await close(big);
    await engine.close();
  });

  const post = (path: string, body: RequestInit['body'], headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    call(`${base}/trpc/${path}`, { method: 'POST', headers, body });

  it('answers 413 with the REST body for a body over 5 MB (Content-Length)', async () => {
    const res = await post('workspaces.create', JSON.stringify({ name: 'Big', pad: 'a'.repeat(FIVE_MB) }));
    expect(res.status).toBe(413);
    expect(res.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.cloudlink).toEqual(TOO_LARGE);
    expect(res.json?.error).toMatchObject({ message: TOO_LARGE.message });
  });

  it('answers 413 for a streamed (chunked) body over 5 MB, without reading it all', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: the server must stop it, not buffer it.
        if (sent > 64 * FIVE_MB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await call(`${base}/trpc/workspaces.create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.cloudlink).toEqual(TOO_LARGE);
    expect(sent).toBeLessThan(16 * FIVE_MB);
  });

  it('accepts a body just under 5 MB', async () => {
    const res = await post('workspaces.create', JSON.stringify({ name: 'Under', pad: 'a'.repeat(FIVE_MB - 100) }));
    expect(res.status).toBe(200);
  });

  it('answers 415 with the REST body to a POST that is not JSON (forms, streams, none)', async () => {
    const form = new FormData();
    form.set('name', 'Forged');
    for (const [label, body, headers] of [
      ['text/plain', '{"name":"Forged"}', { 'content-type': 'text/plain' }],
      ['urlencoded', 'name=Forged', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['octet-stream', 'x', { 'content-type': 'application/octet-stream' }],
      ['multipart', form, {}],
      ['no content-type', '', {}],
    ] as const) {
      const res = await post('workspaces.create', body, headers);
      expect(res.status, label).toBe(415);
      expect(res.code, label).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.cloudlink, label).toEqual(UNSUPPORTED);
    }
    expect((await storage.workspaces.getWorkspaceBySlug('forged')) ?? null).toBeNull();
  });

  it('answers malformed JSON (body or ?input=) with the REST validation body, not the parser text', async () => {
    const malformed = { error: 'Validation failed', message: 'input: malformed JSON', details: [{ path: 'input', message: 'malformed JSON' }] };
    const body = await post('workspaces.create', '{"name":');
    expect([body.status, body.cloudlink]).toEqual([400, malformed]);
    const query = await call(`${base}/trpc/workspaces.get?input=%7Bbad`);
    expect([query.status, query.cloudlink]).toEqual([400, malformed]);
    expect(query.json?.error).toMatchObject({ message: 'input: malformed JSON' });
  });

  it('serves a batch of 10 calls and refuses 11 with 400 Batch too large', async () => {
    const paths = (n: number) => Array.from({ length: n }, () => 'workspaces.usage').join(',');
    const input = (n: number) => encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { workspaceSlug: 'acme' }]))));
    const ok = await call(`${base}/trpc/${paths(10)}?batch=1&input=${input(10)}`);
    expect(Array.isArray(ok.json)).toBe(true);
    const refused = await call(`${base}/trpc/${paths(11)}?batch=1&input=${input(11)}`);
    expect(refused.status).toBe(400);
    expect(refused.cloudlink).toEqual({ error: 'Batch too large', message: 'A batch may carry at most 10 calls' });
  });

  it('works with httpBatchLink when the client batches at most 10 calls', async () => {
    const client = createTRPCClient<CloudlinkRouter>({ links: [httpBatchLink({ url: `${base}/trpc`, maxItems: 10 })] });
    const names = Array.from({ length: 12 }, (_, i) => `Batch ${i}`);
    const created = await Promise.all(names.map((name) => client.workspaces.create.mutate({ name })));
    expect(created.map((c) => c.data.name)).toEqual(names);
  });

  it('turns batching off with maxBatchSize: 1', async () => {
    const handler = createCloudlinkTrpcHandler({ engine, createContext: () => ({ actor: null }), maxBatchSize: 1 });
    const { server: single, url } = await listen(handler);
    try {
      const res = await call(`${url}/trpc/workspaces.get,workspaces.get?batch=1&input=%7B%7D`);
      expect(res.status).toBe(400);
      expect(res.cloudlink).toEqual({ error: 'Batch too large', message: 'A batch may carry at most 1 calls' });
    } finally {
      await close(single);
    }
    expect(() => createCloudlinkTrpcHandler({ engine, createContext: () => ({ actor: null }), maxBatchSize: 0 })).toThrow(TypeError);
  });

  it("is bounded by Node's 16 KB header limit for the URL by default (431), and by itself at 16 KB beyond it (413)", async () => {
    const longInput = encodeURIComponent(JSON.stringify({ workspaceSlug: 'a'.repeat(17 * 1024) }));
    expect((await fetch(`${base}/trpc/workspaces.get?input=${longInput}`)).status).toBe(431);
    const res = await call(`${bigBase}/trpc/workspaces.get?input=${longInput}`);
    expect(res.status).toBe(413);
    expect(res.cloudlink).toEqual(URL_TOO_LONG);
    const shortInput = encodeURIComponent(JSON.stringify({ workspaceSlug: 'a'.repeat(15 * 1024) }));
    // Under the bound the call reaches the engine: no such workspace.
    expect((await call(`${bigBase}/trpc/workspaces.get?input=${shortInput}`)).status).toBe(404);
  });
});

describe('cloudlinkTrpcLimits spread into another tRPC adapter', () => {
  it('gives the documented 413 and 415 bodies from tRPC’s own checks', async () => {
    const { engine } = memoryEngine();
    const router = createCloudlinkRouter({ engine });
    const { server, url } = await listen(createHTTPHandler({ router, createContext: () => ({ actor: null }), ...cloudlinkTrpcLimits }));
    try {
      const big = await call(`${url}/workspaces.create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'a'.repeat(FIVE_MB) }) });
      expect(big.status).toBe(413);
      expect(big.cloudlink).toEqual(TOO_LARGE);
      const plain = await call(`${url}/workspaces.create`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
      expect(plain.status).toBe(415);
      expect(plain.cloudlink).toEqual(UNSUPPORTED);
      const form = new FormData();
      form.set('name', 'x');
      const multipart = await call(`${url}/workspaces.create`, { method: 'POST', body: form });
      expect(multipart.status).toBe(415);
      expect(multipart.cloudlink).toEqual(UNSUPPORTED);
    } finally {
      await close(server);
      await engine.close();
    }
  });

  it('reports an oversized batch from tRPC’s own maxBatchSize as a 400', async () => {
    const { engine } = memoryEngine();
    const { server, url } = await listen(createHTTPHandler({ router: createCloudlinkRouter({ engine }), createContext: () => ({ actor: null }), ...cloudlinkTrpcLimits }));
    try {
      const paths = Array.from({ length: 11 }, () => 'workspaces.get').join(',');
      const res = await call(`${url}/${paths}?batch=1&input=%7B%7D`);
      expect(res.status).toBe(400);
      expect(res.cloudlink).toEqual({ error: 'Bad request', message: 'Batch call exceeds maximum size' });
    } finally {
      await close(server);
      await engine.close();
    }
  });
});
