import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import type { EngineContext } from '../context.js';
import type { OidcSigningKey } from '../domain/records.js';
import type { Jwks, OpenIdConfiguration, PublishedJwk } from '../responses/connections.js';

/** AAD binding sealed private keys to their column. */
export const OIDC_PRIVATE_KEY_AAD = 'cloudlink:oidc_signing_keys.private_key';
/** A rotated-in key starts signing this long after it is published. */
export const OIDC_ROTATION_DELAY_MS = 60 * 60 * 1000;
/** A retired key stays in the JWKS this long after it stops signing. */
export const OIDC_RETIRED_PUBLISHED_MS = 7 * 24 * 60 * 60 * 1000;
/** Token lifetime: `exp = iat + 600`. */
export const OIDC_TOKEN_TTL_SECONDS = 600;

export type { PublishedJwk };

export interface OidcIssuer {
  /** `${publicUrl}/api`, no trailing slash. */
  readonly issuer: string;
  /** The OIDC discovery document GCP reads to find our JWKS. */
  discovery(): OpenIdConfiguration;
  /** Every published key (creating the first key on first use). */
  jwks(): Promise<Jwks>;
  /** An RS256 JWT with `iss`, `sub`, `aud`, `iat`, `exp = iat+600`, `jti`, signed by the current key. */
  mint(input: { subject: string; audience: string }): Promise<string>;
  /** Publish a new key now that signs after 1 h; retire the current signer 7 days after that. */
  rotate(): Promise<{ kid: string; signingFrom: string }>;
}

type IssuerContext = Pick<EngineContext, 'storage' | 'secrets' | 'clock' | 'random' | 'config'>;

const isPublished = (k: OidcSigningKey, now: Date) => k.publishedUntil === null || k.publishedUntil > now;

/**
 * The key that signs at `now`: started signing, not yet stopped, still published. Among several
 * (two instances created a first key at once) the latest `signingFrom` wins, then the lowest id, so
 * every instance converges on the same published key.
 */
export function currentSigningKey(keys: readonly OidcSigningKey[], now: Date): OidcSigningKey | null {
  const usable = keys.filter((k) => k.signingFrom <= now && (k.signingUntil === null || k.signingUntil > now) && isPublished(k, now));
  usable.sort((a, b) => b.signingFrom.getTime() - a.signingFrom.getTime() || a.id - b.id);
  return usable[0] ?? null;
}

/**
 * Our OIDC issuer for GCP Workload Identity Federation. Keys live in
 * `oidc_signing_keys` (private key sealed), so every instance of the host signs alike; only parsed
 * private keys are cached in process.
 */
export function createOidcIssuer(ctx: IssuerContext): OidcIssuer {
  const issuer = `${ctx.config.publicUrl}/api`;
  const parsed = new Map<string, Promise<CryptoKey>>();

  async function insertKey(signingFrom: Date): Promise<OidcSigningKey> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(publicKey);
    const pem = await exportPKCS8(privateKey);
    const kid = Buffer.from(ctx.random.bytes(12)).toString('base64url');
    return ctx.storage.oidcKeys.insertOidcKey({
      kid,
      alg: 'RS256',
      publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
      privateKey: ctx.secrets.seal(pem, OIDC_PRIVATE_KEY_AAD),
      signingFrom,
      signingUntil: null,
      publishedUntil: null,
      now: ctx.clock.now(),
    });
  }

  /** The first-key creation in flight in this process: concurrent first uses share it. */
  let creating: Promise<OidcSigningKey> | null = null;

  async function createFirstKey(): Promise<OidcSigningKey> {
    const now = ctx.clock.now();
    await insertKey(now);
    // Re-read: another instance may have created one at the same moment; all converge on one.
    const chosen = currentSigningKey(await ctx.storage.oidcKeys.listOidcKeys(), now);
    if (!chosen) throw new Error('no OIDC signing key after creating one');
    return chosen;
  }

  async function signingKey(): Promise<OidcSigningKey> {
    const existing = currentSigningKey(await ctx.storage.oidcKeys.listOidcKeys(), ctx.clock.now());
    if (existing) return existing;
    // Without this, N simultaneous first requests would each generate an RSA key and publish it forever.
    creating ??= createFirstKey().finally(() => {
      creating = null;
    });
    return creating;
  }

  function privateKeyOf(key: OidcSigningKey): Promise<CryptoKey> {
    let found = parsed.get(key.kid);
    if (!found) {
      found = importPKCS8(ctx.secrets.open(key.privateKey, OIDC_PRIVATE_KEY_AAD), 'RS256');
      found.catch(() => parsed.delete(key.kid));
      parsed.set(key.kid, found);
    }
    return found;
  }

  return {
    issuer,
    discovery: () => ({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
    }),
    async jwks() {
      await signingKey();
      const now = ctx.clock.now();
      const keys = (await ctx.storage.oidcKeys.listOidcKeys()).filter((k) => isPublished(k, now));
      return {
        keys: keys.map((k) => ({
          kty: String(k.publicJwk.kty),
          alg: 'RS256' as const,
          use: 'sig' as const,
          kid: k.kid,
          n: String(k.publicJwk.n),
          e: String(k.publicJwk.e),
        })),
      };
    },
    async mint({ subject, audience }) {
      const key = await signingKey();
      const iat = Math.floor(ctx.clock.now().getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + OIDC_TOKEN_TTL_SECONDS)
        .setJti(ctx.random.uuid())
        .sign(await privateKeyOf(key));
    },
    async rotate() {
      const now = ctx.clock.now();
      const keys = await ctx.storage.oidcKeys.listOidcKeys();
      // With nothing signing yet, the first key must sign at once (nothing else could).
      const signingFrom = currentSigningKey(keys, now) ? new Date(now.getTime() + OIDC_ROTATION_DELAY_MS) : now;
      const created = await insertKey(signingFrom);
      for (const k of keys) {
        if (k.signingUntil !== null && k.signingUntil <= signingFrom) continue;
        await ctx.storage.oidcKeys.updateOidcKey(k.id, {
          signingUntil: signingFrom,
          publishedUntil: new Date(signingFrom.getTime() + OIDC_RETIRED_PUBLISHED_MS),
        });
      }
      return { kid: created.kid, signingFrom: signingFrom.toISOString() };
    },
  };
}
