import { createLocalJWKSet } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';

/** GET a JSON document: `fetch` over the network, or the sandbox's in-process answer. */
export type FetchJson = (url: string) => Promise<unknown>;

/** How long fetched keys are trusted before the next fetch (shorter than the issuer's one-hour rotation delay). */
export const JWKS_CACHE_MS = 10 * 60 * 1000;
/** An unknown `kid` refetches the keys at most this often per issuer, so forged tokens cannot make us hammer it. */
export const JWKS_REFETCH_COOLDOWN_MS = 60 * 1000;
/** Documents larger than this are refused: an issuer's discovery and JWKS are a few KiB. */
const MAX_DOCUMENT_BYTES = 256 * 1024;

/** `fetch` JSON with a size cap and no redirects: what the real services do with an external issuer. */
export const fetchJsonOverHttp: FetchJson = async (url) => {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new Error(`GET ${url} answered more than ${MAX_DOCUMENT_BYTES} bytes`);
  return JSON.parse(text) as unknown;
};

/**
 * The keys of external OIDC issuers as a relying party (Entra ID, STS) holds them: discovery
 * document → `jwks_uri` → keys, cached for {@link JWKS_CACHE_MS}; a token whose `kid` is not in the
 * cache refetches once (at most every {@link JWKS_REFETCH_COOLDOWN_MS}), so a key the issuer
 * published before signing with it is found.
 */
export function createIssuerKeyCache(options: { fetchJson: FetchJson; now: () => Date }) {
  const cache = new Map<string, { jwks: JSONWebKeySet; fetchedAt: number }>();

  async function load(issuer: string): Promise<JSONWebKeySet> {
    const discovery = (await options.fetchJson(`${issuer}/.well-known/openid-configuration`)) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (!discovery || discovery.issuer !== issuer || typeof discovery.jwks_uri !== 'string') throw new Error('the discovery document does not name this issuer and a jwks_uri');
    const jwks = (await options.fetchJson(discovery.jwks_uri)) as JSONWebKeySet | null;
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error('the jwks_uri holds no key set');
    cache.set(issuer, { jwks, fetchedAt: options.now().getTime() });
    return jwks;
  }

  return {
    /** A jose key resolver for tokens of `issuer`. Throws when the issuer's documents cannot be read. */
    async keysFor(issuer: string, kid: string | undefined): Promise<JWTVerifyGetKey> {
      const now = options.now().getTime();
      const cached = cache.get(issuer);
      if (!cached || now - cached.fetchedAt >= JWKS_CACHE_MS) return createLocalJWKSet(await load(issuer));
      const unknownKid = kid !== undefined && !cached.jwks.keys.some((k) => k.kid === kid);
      const jwks = unknownKid && now - cached.fetchedAt >= JWKS_REFETCH_COOLDOWN_MS ? await load(issuer) : cached.jwks;
      return createLocalJWKSet(jwks);
    },
    /** When the issuer's keys were last fetched (tests). */
    fetchedAt: (issuer: string): Date | undefined => {
      const c = cache.get(issuer);
      return c ? new Date(c.fetchedAt) : undefined;
    },
  };
}

/**
 * An issuer's discovery document and JWKS answered in process (the sandbox, where the issuer is
 * the engine beside the fakes): the same two GETs a relying party makes, without a socket.
 */
export function inProcessIssuerDocuments(issuer: string | (() => string), jwks: () => Promise<JSONWebKeySet> | JSONWebKeySet): FetchJson {
  return async (url) => {
    const iss = typeof issuer === 'function' ? issuer() : issuer;
    if (url === `${iss}/.well-known/openid-configuration`) return { issuer: iss, jwks_uri: `${iss}/.well-known/jwks.json` };
    if (url === `${iss}/.well-known/jwks.json`) return jwks();
    throw new Error(`GET ${url} answered 404`);
  };
}
