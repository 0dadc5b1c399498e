import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { createJwtAuth } from '../src/auth.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const auth = createJwtAuth({ secret });
const key = new TextEncoder().encode(secret);
const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe('createJwtAuth', () => {
  it('round-trips an issued token to the actor', async () => {
    const token = await auth.issue({ id: 42, email: 'a@example.com' });
    expect(await auth.authenticate(bearer(token))).toEqual({ userId: 42, email: 'a@example.com' });
  });

  it('refuses a missing header, another scheme, a bad signature and an expired token', async () => {
    expect(await auth.authenticate({ headers: {} })).toBeNull();
    const token = await auth.issue({ id: 1 });
    expect(await auth.authenticate({ headers: { authorization: `Basic ${token}` } })).toBeNull();
    expect(await createJwtAuth({ secret: `${secret}x` }).authenticate(bearer(token))).toBeNull();
    expect(await auth.authenticate(bearer(await auth.issue({ id: 1 }, -10)))).toBeNull();
  });

  it('stops accepting a remembered token once it expires', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    try {
      const fresh = createJwtAuth({ secret });
      const token = await fresh.issue({ id: 7 }, 60);
      expect(await fresh.authenticate(bearer(token))).toEqual({ userId: 7 });
      expect(await fresh.authenticate(bearer(token))).toEqual({ userId: 7 });
      vi.setSystemTime(new Date('2026-01-01T00:01:01Z'));
      expect(await fresh.authenticate(bearer(token))).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('requires exp and a numeric sub', async () => {
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('1').sign(key);
    expect(await auth.authenticate(bearer(noExp))).toBeNull();
    const badSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setExpirationTime('1h').sign(key);
    expect(await auth.authenticate(bearer(badSub))).toBeNull();
  });

  it('refuses alg none, HS512 and RS256 tokens', async () => {
    const none = new UnsecuredJWT({}).setSubject('1').setExpirationTime('1h').encode();
    expect(await auth.authenticate(bearer(none))).toBeNull();
    const hs512 = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('1').setExpirationTime('1h').sign(key);
    expect(await auth.authenticate(bearer(hs512))).toBeNull();
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    await exportJWK(publicKey);
    const rs = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('1').setExpirationTime('1h').sign(privateKey);
    expect(await auth.authenticate(bearer(rs))).toBeNull();
  });
});
