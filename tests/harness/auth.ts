import { SignJWT, jwtVerify } from 'jose';
import type { Actor } from '@cloudlink/engine';

/** The HS256 secret of every test server (the standalone server's Bearer scheme). */
export const TEST_JWT_SECRET = new TextEncoder().encode('cloudlink-test-jwt-secret-0123456789abcdef');

/** A Bearer token for `userId` (claims `sub`, `email?`, `iat`, `exp` = now + `ttlSeconds`). */
export async function signTestToken(userId: number, options: { email?: string; ttlSeconds?: number } = {}): Promise<string> {
  const jwt = new SignJWT(options.email ? { email: options.email } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600));
  return jwt.sign(TEST_JWT_SECRET);
}

/**
 * Verify `Authorization: Bearer <jwt>` (HS256 only, `exp` required) and return the actor, or null.
 * Whether the user exists is the engine's check (401 from its pipeline).
 */
export async function authenticateBearer(header: string | undefined): Promise<Actor | null> {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  try {
    const { payload } = await jwtVerify(match[1], TEST_JWT_SECRET, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
    if (!/^[1-9]\d{0,14}$/.test(payload.sub ?? '')) return null;
    const email = typeof payload.email === 'string' ? payload.email : undefined;
    return email === undefined ? { userId: Number(payload.sub) } : { userId: Number(payload.sub), email };
  } catch {
    return null;
  }
}
