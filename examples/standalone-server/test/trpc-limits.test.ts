import type { AddressInfo } from 'node:net';
import { createEngine, createSecretBox, parseEncryptionKeys } from '@cloudlink/engine';
import { createSqliteStorage } from '@cloudlink/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createJwtAuth } from '../src/auth.js';
import { createLogger } from '../src/logging.js';

/** The standalone server's /trpc mount has the same limits as its REST API (and the trpc-router README). */
const KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const storage = createSqliteStorage({ filename: ':memory:' });
const engine = createEngine({ storage, secrets: createSecretBox({ keys: parseEncryptionKeys(KEYS) }), publicUrl: 'http://localhost:3000' });
const auth = createJwtAuth({ secret: 'trpc-limits-test-secret-0123456789abcdef' });
const app = createApp({ engine, auth, logger: createLogger({ level: 'silent' }) });
let base = '';
let server: ReturnType<typeof app.listen>;
let token = '';

beforeAll(async () => {
  await storage.migrate();
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seeded = await engine.operator.seed({ workspace: 'acme', project: 'web', environment: 'prod', email: 'o@example.com', role: 'owner' });
  token = await auth.issue({ id: seeded.user.id });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await engine.close();
});

async function trpc(path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}/trpc/${path}`, init);
  const json = (await res.json()) as { error?: { data?: { cloudlink?: unknown } } };
  return { status: res.status, cloudlink: json.error?.data?.cloudlink };
}

describe('standalone server /trpc limits', () => {
  it('refuses an anonymous body over 5 MB with 413 and the REST body', async () => {
    const res = await trpc('workspaces.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'a'.repeat(5 * 1024 * 1024) }) });
    expect(res).toEqual({ status: 413, cloudlink: { error: 'Payload too large', message: 'Request body exceeds 5 MB' } });
  });

  it('refuses a batch of more than 10 calls', async () => {
    const paths = Array.from({ length: 11 }, () => 'workspaces.get').join(',');
    const res = await trpc(`${paths}?batch=1&input=%7B%7D`, { headers: { authorization: `Bearer ${token}` } });
    expect(res).toEqual({ status: 400, cloudlink: { error: 'Batch too large', message: 'A batch may carry at most 10 calls' } });
  });

  it('refuses a mutation whose body is a form (415)', async () => {
    const form = new FormData();
    form.set('name', 'Forged');
    const res = await trpc('workspaces.create', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(res).toEqual({ status: 415, cloudlink: { error: 'Unsupported media type', message: 'Request body must be JSON (Content-Type: application/json)' } });
  });
});
