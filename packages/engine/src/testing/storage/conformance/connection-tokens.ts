import { describe, expect, it } from 'vitest';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';
import { fixtures, tokenHash } from './fixtures.js';

/** The Azure setup token: unique hash, lookup, single-use claim. */
export function describeConnectionTokens(ctx: StorageConformanceContext): void {
  async function withToken(expiresAt = at(60)) {
    const f = fixtures(ctx.storage);
    const user = await f.user();
    const workspace = await f.workspace();
    const hash = tokenHash();
    const c = await f.connection(workspace, user, { provider: 'azure', setupTokenHash: hash, setupTokenExpiresAt: expiresAt });
    return { f, user, workspace, hash, c };
  }

  describe('connections.createConnection (setup token)', () => {
    it('stores the token hash and expiry', async () => {
      const { hash, c } = await withToken();
      const row = await ctx.row('cloud_connections', c.id);
      expect(row.setup_token_hash).toBe(hash);
      expect(raw.time(row.setup_token_expires_at)).toBe(at(60).getTime());
      expect(row.setup_token_used_at).toBeNull();
    });

    it('refuses a duplicate token hash: cloud_connections.setup_token_hash', async () => {
      const { f, user, workspace, hash } = await withToken();
      await expectConflict(f.connection(workspace, user, { setupTokenHash: hash, setupTokenExpiresAt: at(60) }), 'cloud_connections.setup_token_hash');
    });
  });

  describe('connections.getConnectionBySetupTokenHash', () => {
    it('finds the active connection (used or not); null when unknown or deleted', async () => {
      const { hash, c } = await withToken();
      expect((await ctx.storage.connections.getConnectionBySetupTokenHash(hash))?.id).toBe(c.id);
      await ctx.storage.connections.claimSetupToken(c.id, T0);
      expect((await ctx.storage.connections.getConnectionBySetupTokenHash(hash))?.setupTokenUsedAt).toEqual(T0);
      expect(await ctx.storage.connections.getConnectionBySetupTokenHash(tokenHash())).toBeNull();
      await ctx.storage.connections.softDeleteConnection(c.id, at(1));
      expect(await ctx.storage.connections.getConnectionBySetupTokenHash(hash)).toBeNull();
    });
  });

  describe('connections.claimSetupToken', () => {
    it('spends an unused, unexpired token once and records setup_token_used_at', async () => {
      const { c } = await withToken(at(60));
      expect(await ctx.storage.connections.claimSetupToken(c.id, at(10))).toBe(true);
      expect(raw.time((await ctx.row('cloud_connections', c.id)).setup_token_used_at)).toBe(at(10).getTime());
      expect(await ctx.storage.connections.claimSetupToken(c.id, at(11))).toBe(false);
      expect(raw.time((await ctx.row('cloud_connections', c.id)).setup_token_used_at)).toBe(at(10).getTime());
    });

    it('refuses an expired token, including at the exact expiry instant', async () => {
      const { c } = await withToken(at(60));
      expect(await ctx.storage.connections.claimSetupToken(c.id, at(60))).toBe(false);
      expect(await ctx.storage.connections.claimSetupToken(c.id, at(61))).toBe(false);
      expect((await ctx.row('cloud_connections', c.id)).setup_token_used_at).toBeNull();
    });

    it('refuses a connection without a token, a deleted one, and an unknown id', async () => {
      const { f, user, workspace, c } = await withToken();
      const plain = await f.connection(workspace, user);
      expect(await ctx.storage.connections.claimSetupToken(plain.id, T0)).toBe(false);
      await ctx.storage.connections.softDeleteConnection(c.id, T0);
      expect(await ctx.storage.connections.claimSetupToken(c.id, T0)).toBe(false);
      expect(await ctx.storage.connections.claimSetupToken(c.id + 1000, T0)).toBe(false);
    });

    it('lets exactly one of 10 concurrent claims win', async () => {
      const { c } = await withToken();
      const results = await Promise.all(Array.from({ length: 10 }, () => ctx.storage.connections.claimSetupToken(c.id, at(1))));
      expect(results.filter((r) => r === true)).toHaveLength(1);
    });
  });

  describe('connections.softDeleteConnection (setup token)', () => {
    it('invalidates the token', async () => {
      const { hash, c } = await withToken();
      await ctx.storage.connections.softDeleteConnection(c.id, at(1));
      const row = await ctx.row('cloud_connections', c.id);
      // Either way is fine: the hash dropped, or the token marked spent.
      expect(row.setup_token_hash === null || row.setup_token_used_at !== null).toBe(true);
      expect(await ctx.storage.connections.getConnectionBySetupTokenHash(hash)).toBeNull();
      expect(await ctx.storage.connections.claimSetupToken(c.id, at(2))).toBe(false);
    });
  });
}
