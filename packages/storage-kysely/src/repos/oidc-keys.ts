import type { Selectable } from 'kysely';
import type { OidcKeyRepo, OidcSigningKey } from '@cloudlink/engine';
import type { OidcSigningKeysTable } from '../schema.js';
import { encOptDate, optDate } from './context.js';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

export function createOidcKeyRepo({ db, d }: RepoContext): OidcKeyRepo {
  const toKey = (r: Selectable<OidcSigningKeysTable>): OidcSigningKey => ({
    id: decodeNumber(r.id),
    kid: r.kid,
    alg: r.alg as 'RS256',
    publicJwk: d.decodeJson(r.public_jwk) as Record<string, unknown>,
    privateKey: r.private_key,
    signingFrom: d.decodeDate(r.signing_from),
    signingUntil: optDate(d, r.signing_until),
    publishedUntil: optDate(d, r.published_until),
    createdAt: d.decodeDate(r.created_at),
  });
  return {
    async insertOidcKey(input) {
      const at = d.encodeDate(input.now);
      const row = await db
        .insertInto('oidc_signing_keys')
        .values({
          kid: input.kid,
          alg: input.alg,
          public_jwk: d.encodeJson(input.publicJwk),
          private_key: input.privateKey,
          signing_from: d.encodeDate(input.signingFrom),
          signing_until: encOptDate(d, input.signingUntil),
          published_until: encOptDate(d, input.publishedUntil),
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toKey(row);
    },
    async listOidcKeys() {
      const rows = await db.selectFrom('oidc_signing_keys').selectAll().orderBy('id').execute();
      return rows.map(toKey);
    },
    async updateOidcKey(id, patch) {
      const set: Record<string, unknown> = {};
      if (patch.signingUntil !== undefined) set.signing_until = encOptDate(d, patch.signingUntil);
      if (patch.publishedUntil !== undefined) set.published_until = encOptDate(d, patch.publishedUntil);
      if (patch.privateKey !== undefined) set.private_key = patch.privateKey;
      if (Object.keys(set).length === 0) return;
      await db.updateTable('oidc_signing_keys').set(set).where('id', '=', id).execute();
    },
  };
}
