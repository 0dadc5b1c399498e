import type { Actor } from '@cloudlink/engine';
import { SignJWT, jwtVerify } from 'jose';

/** Token lifetime of `cloudlink seed` / `cloudlink token`. */
export const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** The example server's Bearer-token auth: HS256 JWTs with `sub` = user id. */
export interface JwtAuth {
  /** The adapters' hook: the actor of a valid `Authorization: Bearer <jwt>`, else null (→ 401). */
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): Promise<Actor | null>;
  /** Verify one token; null when it is missing, malformed, expired, not HS256 or badly signed. */
  verify(token: string): Promise<Actor | null>;
  /** Sign a token for a user, valid `ttlSeconds` (default 7 days). */
  issue(user: { id: number; email?: string }, ttlSeconds?: number): Promise<string>;
}

/** Verified tokens kept, so a client reusing its token skips the HMAC check (bounded, oldest out first). */
const VERIFIED_CACHE_SIZE = 10_000;

export function createJwtAuth(options: { readonly secret: string }): JwtAuth {
  const raw = new TextEncoder().encode(options.secret);
  // Importing the raw secret on every call costs as much as the HMAC itself: import it once.
  const key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  // A token's claims cannot change without changing the token, so a verified token stays valid
  // until its `exp`; the cache only remembers that answer (keyed by the whole token).
  const verified = new Map<string, { actor: Actor; expiresAtMs: number }>();
  const verify = async (token: string): Promise<Actor | null> => {
    const hit = verified.get(token);
    if (hit) {
      if (hit.expiresAtMs > Date.now()) return hit.actor;
      verified.delete(token);
    }
    try {
      // Only HS256: a token signed with `none` or an asymmetric alg is refused before the signature check.
      const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      if (typeof payload.sub !== 'string' || !/^[1-9]\d{0,14}$/.test(payload.sub)) return null;
      const email = typeof payload.email === 'string' ? payload.email : undefined;
      const actor: Actor = { userId: Number(payload.sub), ...(email !== undefined && { email }) };
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
      verified.set(token, { actor, expiresAtMs: (payload.exp as number) * 1000 });
      return actor;
    } catch {
      return null;
    }
  };
  return {
    verify,
    async authenticate(req) {
      const header = req.headers.authorization;
      const value = Array.isArray(header) ? header[0] : header;
      const m = value ? /^Bearer\s+([\w-]+\.[\w-]*\.[\w-]*)\s*$/i.exec(value) : null;
      return m?.[1] ? verify(m[1]) : null;
    },
    async issue(user, ttlSeconds = TOKEN_TTL_SECONDS) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...(user.email !== undefined && { email: user.email }) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(user.id))
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(await key);
    },
  };
}
