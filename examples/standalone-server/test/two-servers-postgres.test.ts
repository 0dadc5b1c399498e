import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { runCli, spawnServer, testEnv, type SpawnedServer } from './support/spawn-server.js';

/**
 * Two server processes on one Postgres database answer consistently: what one writes the other
 * reads at once, and database constraints decide races between them (no per-process state).
 */
let db: TestDatabase;
let a: SpawnedServer;
let b: SpawnedServer;
let token = '';

async function call(server: SpawnedServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by value
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  db = await createTestDatabase('cloudlink_two_servers');
  // Same database, keys and JWT secret; separate data dirs (nothing on disk is shared).
  const shared = testEnv({ DATABASE_URL: db.url, CLOUDLINK_SANDBOX: 'true' });
  [a, b] = await Promise.all([spawnServer(shared), spawnServer({ ...shared, CLOUDLINK_DATA_DIR: testEnv().CLOUDLINK_DATA_DIR! })]);
  const seeded = await runCli(['seed', '--workspace', 'acme', '--project', 'shop', '--environment', 'prod', '--email', 'o@example.com', '--role', 'owner', '--plan', 'starter'], shared);
  expect(seeded.code, seeded.stderr).toBe(0);
  token = (JSON.parse(seeded.stdout) as { token: string }).token;
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

describe('two servers on one Postgres database', { timeout: 120_000 }, () => {
  it('interleaves a whole flow across both processes', async () => {
    expect((await call(a, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    const started = await call(a, 'POST', '/api/cloud-connections/acme/connect-aws', {});
    expect(started.status).toBe(201);
    const id = started.body.data.connectionId as number;
    const completed = await call(b, 'POST', `/api/cloud-connections/acme/${id}/complete`, { accountId: '123456789012', accountName: 'Prod' });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const listed = await call(a, 'GET', '/api/cloud-connections/acme');
    expect(listed.body.data.map((c: { id: number; connectionStatus: string }) => [c.id, c.connectionStatus])).toEqual([[id, 'connected']]);
    // Completing again on the other process: the state is shared, so it is already connected.
    expect((await call(a, 'POST', `/api/cloud-connections/acme/${id}/complete`, { accountId: '123456789012', accountName: 'Prod' })).status).toBe(409);
    expect((await call(a, 'PATCH', `/api/projects/shop/connect-cloud/${id}`)).status).toBe(200);
    const zone = await call(b, 'POST', '/api/shop/prod/dns', { name: 'main', domainName: 'example.com' });
    expect(zone.status, JSON.stringify(zone.body)).toBe(201);
    const zones = await call(a, 'GET', '/api/shop/prod/dns');
    expect(zones.body.data.map((z: { domainName: string }) => z.domainName)).toEqual(['example.com']);
    // Both processes sign OIDC tokens with the same stored keys.
    const jwksA = await (await fetch(`${a.url}/api/.well-known/jwks.json`)).json();
    const jwksB = await (await fetch(`${b.url}/api/.well-known/jwks.json`)).json();
    expect(jwksA).toEqual(jwksB);
  });

  it('lets the database decide concurrent duplicate names sent to both processes', async () => {
    const ids = await Promise.all([a, b].map(async (s) => (await call(s, 'POST', '/api/cloud-connections/acme/connect-aws', {})).body.data.connectionId as number));
    const results = await Promise.all(
      ids.map((id, i) => call(i === 0 ? a : b, 'POST', `/api/cloud-connections/acme/${id}/complete`, { accountId: '210987654321', accountName: 'Same name' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toBe('Duplicate account name');
  });
});
