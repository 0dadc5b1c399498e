import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { createOidcIssuer } from '../src/oidc/index.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { createFakeClock, createMemoryStorage, createSeededRandom, createTestSecretBox, TEST_ENCRYPTION_KEY } from '../src/testing/index.js';
import { createTestEngine, PUBLIC_URL } from './support/engine.js';

function issuerOn(storage: ReturnType<typeof createMemoryStorage>, clock = createFakeClock(), seed = 1) {
  return createOidcIssuer({
    storage,
    secrets: createTestSecretBox(),
    clock,
    random: createSeededRandom(seed),
    config: { publicUrl: PUBLIC_URL } as never,
  });
}

describe('OIDC issuer', () => {
  it('serves the documented discovery document', async () => {
    const t = await createTestEngine();
    expect(await t.engine.publicAssets.openidConfiguration()).toEqual({
      issuer: 'https://cloudlink.example.com/api',
      jwks_uri: 'https://cloudlink.example.com/api/.well-known/jwks.json',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
    });
  });

  it('creates the first key on first use, publishes only public parts and stores the private key sealed', async () => {
    const t = await createTestEngine();
    expect(await t.storage.peek.rows('oidc_signing_keys')).toEqual([]);
    const jwks = await t.engine.publicAssets.jwks();
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(Object.keys(key!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(key!.n, 'base64url').length).toBe(256);
    const [row] = await t.storage.peek.rows('oidc_signing_keys');
    expect(String(row!.private_key)).toMatch(/^v1:test:/);
    expect(String(row!.private_key)).not.toContain('PRIVATE KEY');
    expect((await t.engine.publicAssets.jwks()).keys.map((k) => k.kid)).toEqual([key!.kid]);
  });

  it('two instances creating the first key at once both sign with a published key', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const clock = createFakeClock();
    const a = issuerOn(storage, clock, 1);
    const b = issuerOn(storage, clock, 2);
    const [ta, tb] = await Promise.all([a.mint({ subject: 's', audience: 'x' }), b.mint({ subject: 's', audience: 'x' })]);
    const jwks = await a.jwks();
    const set = createLocalJWKSet(jwks);
    for (const token of [ta, tb]) await jwtVerify(token, set, { currentDate: clock.now() });
    const next = await Promise.all([a.mint({ subject: 's', audience: 'x' }), b.mint({ subject: 's', audience: 'x' })]);
    expect(decodeProtectedHeader(next[0]).kid).toBe(decodeProtectedHeader(next[1]).kid);
  });

  it('concurrent first uses in one instance create one key', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const issuer = issuerOn(storage);
    await Promise.all([issuer.jwks(), issuer.jwks(), issuer.mint({ subject: 's', audience: 'x' }), issuer.mint({ subject: 's', audience: 'x' })]);
    expect(await storage.peek.rows('oidc_signing_keys')).toHaveLength(1);
  });

  it('rotation publishes at once, signs after 1 h, and retires the old key 7 days later', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const clock = createFakeClock();
    const issuer = issuerOn(storage, clock);
    const kidOf = async () => decodeProtectedHeader(await issuer.mint({ subject: 's', audience: 'a' })).kid;
    const first = await kidOf();
    const rotated = await issuer.rotate();
    expect(rotated).toEqual({ kid: expect.any(String), signingFrom: '2024-01-15T11:30:00.000Z' });
    expect((await issuer.jwks()).keys.map((k) => k.kid)).toEqual([first, rotated.kid]);
    expect(await kidOf()).toBe(first);
    clock.advance(60 * 60_000);
    expect(await kidOf()).toBe(rotated.kid);
    clock.advance(7 * 24 * 60 * 60_000 - 1);
    expect((await issuer.jwks()).keys.map((k) => k.kid)).toEqual([first, rotated.kid]);
    clock.advance(1);
    expect((await issuer.jwks()).keys.map((k) => k.kid)).toEqual([rotated.kid]);
  });

  it('reencrypt never overwrites a connection secret written after it listed the rows', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const clock = createFakeClock();
    const AAD = 'cloudlink:cloud_connections.secret_data';
    const newKey = { kid: 'k2', key: Uint8Array.from({ length: 32 }, (_, i) => 255 - i) };
    const both = createSecretBox({ keys: [newKey, TEST_ENCRYPTION_KEY] });
    const user = await storage.users.createUser({ email: 'a@b.co', name: null, now: clock.now() });
    const ws = await storage.workspaces.createWorkspace({ name: 'w', slug: 'w', description: null, planId: 1, now: clock.now() });
    const conn = await storage.connections.createConnection({ workspaceId: ws.id, provider: 'azure', createdBy: user.id, region: 'eastus', now: clock.now() });
    await storage.connections.updateConnection(conn.id, { secretData: createTestSecretBox().seal('{"old":1}', AAD) }, clock.now());
    // A server already sealing with the new key completes the connection again right after the listing.
    const list = storage.connections.listSealedSecrets.bind(storage.connections);
    storage.connections.listSealedSecrets = async () => {
      const rows = await list();
      await storage.connections.updateConnection(conn.id, { secretData: both.seal('{"new":2}', AAD) }, clock.now());
      return rows;
    };
    const engine = createEngine({ storage, secrets: both, publicUrl: PUBLIC_URL, clock, random: createSeededRandom(3) });
    await engine.operator.reencrypt();
    const [row] = await storage.peek.rows('cloud_connections');
    expect(both.open(String(row!.secret_data), AAD)).toBe('{"new":2}');
  });

  it('rotate-oidc-key and reencrypt through the operator', async () => {
    const storage = createMemoryStorage({ migrated: true });
    const clock = createFakeClock();
    const oldBox = createTestSecretBox();
    const build = (secrets: ReturnType<typeof createTestSecretBox>) =>
      createEngine({ storage, secrets, publicUrl: PUBLIC_URL, clock, random: createSeededRandom(3) });
    const before = build(oldBox);
    await before.publicAssets.jwks();
    const { kid, signingFrom } = await before.operator.rotateOidcKey();
    expect(signingFrom).toBe('2024-01-15T11:30:00.000Z');
    expect((await before.publicAssets.jwks()).keys.map((k) => k.kid)).toContain(kid);
    const user = await storage.users.createUser({ email: 'a@b.co', name: null, now: clock.now() });
    const ws = await storage.workspaces.createWorkspace({ name: 'w', slug: 'w', description: null, planId: 1, now: clock.now() });
    await storage.connections.createConnection({ workspaceId: ws.id, provider: 'gcp', createdBy: user.id, region: 'us-central1', now: clock.now() });
    await storage.connections.updateConnection(1, { secretData: oldBox.seal('{"a":1}', 'cloudlink:cloud_connections.secret_data') }, clock.now());

    const newKey = { kid: 'k2', key: Uint8Array.from({ length: 32 }, (_, i) => 255 - i) };
    const both = createSecretBox({ keys: [newKey, TEST_ENCRYPTION_KEY] });
    expect(await build(both).operator.reencrypt()).toEqual({ reencrypted: 3 });
    expect(await build(both).operator.reencrypt()).toEqual({ reencrypted: 0 });
    const onlyNew = createSecretBox({ keys: [newKey] });
    for (const row of await storage.peek.rows('oidc_signing_keys')) expect(String(row.private_key)).toMatch(/^v1:k2:/);
    const [conn] = await storage.peek.rows('cloud_connections');
    expect(onlyNew.open(String(conn!.secret_data), 'cloudlink:cloud_connections.secret_data')).toBe('{"a":1}');
    const after = build(onlyNew);
    clock.advance(2 * 60 * 60_000);
    expect((await after.publicAssets.jwks()).keys.length).toBe(2);
    // The re-sealed private key opens with the new key alone and still signs.
    const signer = createOidcIssuer({ storage, secrets: onlyNew, clock, random: createSeededRandom(4), config: { publicUrl: PUBLIC_URL } as never });
    const token = await signer.mint({ subject: 's', audience: 'a' });
    await jwtVerify(token, createLocalJWKSet(await signer.jwks()), { currentDate: clock.now() });
  });
});
