import type { Actor } from '@cloudlink/engine';
import { SignJWT, jwtVerify } from 'jose';

/** Token lifetime of `cloudlink seed` / `cloudlink token` (SPEC §8). */
export const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** The example server's Bearer-token auth: HS256 JWTs with `sub` = user id (SPEC §1.2). */
export interface JwtAuth {
  /** The adapters' hook: the actor of a valid `Authorization: Bearer <jwt>`, else null (→ 401). */
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): Promise<Actor | null>;
  /** Verify one token; null when it is missing, malformed, expired, not HS256 or badly signed. */
  verify(token: string): Promise<Actor | null>;
  /** Sign a token for a user, valid `ttlSeconds` (default 7 days). */
  issue(user: { id: number; email?: string }, ttlSeconds?: number): Promise<string>;
}

export function createJwtAuth(options: { readonly secret: string }): JwtAuth {
  const key = new TextEncoder().encode(options.secret);
  const verify = async (token: string): Promise<Actor | null> => {
    try {
      // Only HS256: a token signed with `none` or an asymmetric alg is refused before the signature check.
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      if (typeof payload.sub !== 'string' || !/^[1-9]\d{0,14}$/.test(payload.sub)) return null;
      const email = typeof payload.email === 'string' ? payload.email : undefined;
      return { userId: Number(payload.sub), ...(email !== undefined && { email }) };
    } catch {
      return null;
    }
  };
  return {
    verify,
    async authenticate(req) {
      const header = req.headers.authorization;
      const value = Array.isArray(header) ? header[0] : header;
      const m = value ? /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i.exec(value) : null;
      return m?.[1] ? verify(m[1]) : null;
    },
    async issue(user, ttlSeconds = TOKEN_TTL_SECONDS) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...(user.email !== undefined && { email: user.email }) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(user.id))
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },
  };
}
