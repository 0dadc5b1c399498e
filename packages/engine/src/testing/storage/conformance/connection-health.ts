import { describe, expect, it } from 'vitest';
import { T0, at, raw, type StorageConformanceContext } from './context.js';
import { fixtures } from './fixtures.js';

/** Re-verification bookkeeping: the health columns, the scheduler's sweep and its single-winner claim. */
export function describeConnectionHealth(ctx: StorageConformanceContext): void {
  async function connected(status: 'connected' | 'failed' | 'pending' = 'connected') {
    const f = fixtures(ctx.storage);
    const user = await f.user();
    const workspace = await f.workspace();
    const c = await f.connection(workspace, user);
    if (status !== 'pending') await ctx.storage.connections.updateConnection(c.id, { status }, T0);
    return { f, user, workspace, c };
  }

  describe('connections: health fields', () => {
    it('start empty with no failures', async () => {
      const { c } = await connected('pending');
      expect(c).toMatchObject({ lastVerifiedAt: null, lastVerificationError: null, verificationFailures: 0, nextVerificationAt: null });
      expect(raw.num((await ctx.row('cloud_connections', c.id)).verification_failures)).toBe(0);
    });

    it('are written by updateConnection', async () => {
      const { c } = await connected();
      const updated = await ctx.storage.connections.updateConnection(
        c.id,
        { lastVerifiedAt: at(5), lastVerificationError: 'AssumeRole failed: AccessDenied', verificationFailures: 3, nextVerificationAt: at(60) },
        at(5),
      );
      expect(updated).toMatchObject({ lastVerifiedAt: at(5), lastVerificationError: 'AssumeRole failed: AccessDenied', verificationFailures: 3, nextVerificationAt: at(60) });
      const row = await ctx.row('cloud_connections', c.id);
      expect([raw.time(row.last_verified_at), row.last_verification_error, raw.num(row.verification_failures), raw.time(row.next_verification_at)]).toEqual([
        at(5).getTime(),
        'AssumeRole failed: AccessDenied',
        3,
        at(60).getTime(),
      ]);
    });
  });

  describe('connections.listConnectionsDueForVerification', () => {
    it('lists active connected and failed connections never scheduled or due, id ascending', async () => {
      const { f, user, workspace, c } = await connected();
      const failed = await f.connection(workspace, user);
      await ctx.storage.connections.updateConnection(failed.id, { status: 'failed', nextVerificationAt: at(10) }, T0);
      const later = await f.connection(workspace, user);
      await ctx.storage.connections.updateConnection(later.id, { status: 'connected', nextVerificationAt: at(11) }, T0);
      await f.connection(workspace, user); // pending: never
      const deleted = await f.connection(workspace, user);
      await ctx.storage.connections.updateConnection(deleted.id, { status: 'connected' }, T0);
      await ctx.storage.connections.softDeleteConnection(deleted.id, T0);
      const due = await ctx.storage.connections.listConnectionsDueForVerification(at(10), 100);
      expect(due.map((x) => x.id)).toEqual([c.id, failed.id]);
      expect((await ctx.storage.connections.listConnectionsDueForVerification(at(10), 1)).map((x) => x.id)).toEqual([c.id]);
    });
  });

  describe('connections.claimVerification', () => {
    it('moves next_verification_at only from the expected value', async () => {
      const { c } = await connected();
      expect(await ctx.storage.connections.claimVerification(c.id, at(1), at(20))).toBe(false);
      expect(await ctx.storage.connections.claimVerification(c.id, null, at(20))).toBe(true);
      expect(raw.time((await ctx.row('cloud_connections', c.id)).next_verification_at)).toBe(at(20).getTime());
      expect(await ctx.storage.connections.claimVerification(c.id, null, at(30))).toBe(false);
      expect(await ctx.storage.connections.claimVerification(c.id, at(20), at(30))).toBe(true);
      expect(await ctx.storage.connections.claimVerification(c.id + 1000, null, at(30))).toBe(false);
    });

    it('refuses pending and deleted connections', async () => {
      const { c } = await connected('pending');
      expect(await ctx.storage.connections.claimVerification(c.id, null, at(20))).toBe(false);
      await ctx.storage.connections.updateConnection(c.id, { status: 'connected' }, T0);
      await ctx.storage.connections.softDeleteConnection(c.id, T0);
      expect(await ctx.storage.connections.claimVerification(c.id, null, at(20))).toBe(false);
    });

    it('lets exactly one of 10 concurrent claims win', async () => {
      const { c } = await connected('failed');
      const results = await Promise.all(Array.from({ length: 10 }, () => ctx.storage.connections.claimVerification(c.id, null, at(5))));
      expect(results.filter((r) => r)).toHaveLength(1);
    });
  });
}
