import { describe, expect, it } from 'vitest';
import { SYSTEM_ROLES } from '../../../domain/permissions.js';
import { SEEDED_PLANS } from '../../../domain/plans.js';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';

/** users.* and plans.* (plans and roles are the migration's seeds). */
export function describeUsersAndPlans(ctx: StorageConformanceContext): void {
  describe('users.createUser', () => {
    it('stores the email lower-case with the given name and timestamps', async () => {
      const user = await ctx.storage.users.createUser({ email: 'Ada.Lovelace@Example.COM', name: 'Ada', now: T0 });
      expect(user).toEqual({ id: user.id, email: 'ada.lovelace@example.com', name: 'Ada', externalId: null, createdAt: T0, updatedAt: T0 });
      const row = await ctx.row('users', user.id);
      expect(row.email).toBe('ada.lovelace@example.com');
      expect(row.name).toBe('Ada');
      expect(raw.time(row.created_at)).toBe(T0.getTime());
      expect(raw.time(row.updated_at)).toBe(T0.getTime());
      expect(row.external_id).toBeNull();
    });

    it('accepts a null name and hands out increasing ids', async () => {
      const a = await ctx.storage.users.createUser({ email: 'a@example.com', name: null, now: T0 });
      const b = await ctx.storage.users.createUser({ email: 'b@example.com', name: null, now: at(1) });
      expect(b.id).toBeGreaterThan(a.id);
      expect((await ctx.row('users', a.id)).name).toBeNull();
    });

    it('refuses a duplicate email in any case: users.email', async () => {
      await ctx.storage.users.createUser({ email: 'dup@example.com', name: null, now: T0 });
      await expectConflict(ctx.storage.users.createUser({ email: 'DUP@example.com', name: 'x', now: T0 }), 'users.email');
      expect(await ctx.rows('users')).toHaveLength(1);
    });
  });

  describe('users: external id', () => {
    it('stores the external id exactly as given and finds the user by it, case-sensitively', async () => {
      const user = await ctx.storage.users.createUser({ email: 'ext@example.com', name: null, externalId: 'auth0|AbC123', now: T0 });
      expect(user.externalId).toBe('auth0|AbC123');
      expect((await ctx.row('users', user.id)).external_id).toBe('auth0|AbC123');
      expect(await ctx.storage.users.getUserByExternalId('auth0|AbC123')).toEqual(user);
      expect(await ctx.storage.users.getUserByExternalId('auth0|abc123')).toBeNull();
      expect(await ctx.storage.users.getUserByExternalId('nobody')).toBeNull();
    });

    it('refuses a second user with the same external id: users.external_id; many users have none', async () => {
      await ctx.storage.users.createUser({ email: 'one@example.com', name: null, externalId: 'same', now: T0 });
      await expectConflict(ctx.storage.users.createUser({ email: 'two@example.com', name: null, externalId: 'same', now: T0 }), 'users.external_id');
      await ctx.storage.users.createUser({ email: 'three@example.com', name: null, externalId: null, now: T0 });
      await ctx.storage.users.createUser({ email: 'four@example.com', name: null, now: T0 });
      expect((await ctx.rows('users')).map((r) => r.external_id)).toEqual(['same', null, null]);
    });

    it('keeps an external id of 255 characters (4-byte ones included) and refuses a longer or empty one', async () => {
      const longest = '𝕏'.repeat(255);
      const user = await ctx.storage.users.createUser({ email: 'long@example.com', name: null, externalId: longest, now: T0 });
      expect((await ctx.storage.users.getUserByExternalId(longest))?.id).toBe(user.id);
      await expect(ctx.storage.users.createUser({ email: 'longer@example.com', name: null, externalId: 'x'.repeat(256), now: T0 })).rejects.toThrow();
      await expect(ctx.storage.users.createUser({ email: 'empty@example.com', name: null, externalId: '', now: T0 })).rejects.toThrow();
      expect(await ctx.rows('users')).toHaveLength(1);
    });
  });

  describe('users.updateUser', () => {
    it('changes only the fields given, stores the email lower-case and stamps updatedAt', async () => {
      const user = await ctx.storage.users.createUser({ email: 'old@example.com', name: 'Old', externalId: 'u-1', now: T0 });
      const renamed = await ctx.storage.users.updateUser(user.id, { name: 'New' }, at(1));
      expect(renamed).toEqual({ ...user, name: 'New', updatedAt: at(1) });
      const moved = await ctx.storage.users.updateUser(user.id, { email: 'New@Example.com', name: null }, at(2));
      expect(moved).toEqual({ ...user, email: 'new@example.com', name: null, updatedAt: at(2) });
      const row = await ctx.row('users', user.id);
      expect([row.email, row.name, row.external_id, raw.time(row.created_at), raw.time(row.updated_at)]).toEqual(['new@example.com', null, 'u-1', T0.getTime(), at(2).getTime()]);
    });

    it("refuses another user's email: users.email, nothing changed; a missing user throws", async () => {
      const a = await ctx.storage.users.createUser({ email: 'a@example.com', name: null, now: T0 });
      const b = await ctx.storage.users.createUser({ email: 'b@example.com', name: 'B', now: T0 });
      await expectConflict(ctx.storage.users.updateUser(b.id, { email: 'A@example.com', name: 'changed' }, at(1)), 'users.email');
      expect([(await ctx.row('users', b.id)).email, (await ctx.row('users', b.id)).name]).toEqual(['b@example.com', 'B']);
      await expect(ctx.storage.users.updateUser(a.id + b.id + 1000, { name: 'x' }, at(1))).rejects.toThrow();
    });
  });

  describe('users.getUserById', () => {
    it('finds by id; null when missing', async () => {
      const user = await ctx.storage.users.createUser({ email: 'id@example.com', name: 'I', now: T0 });
      expect(await ctx.storage.users.getUserById(user.id)).toEqual(user);
      expect(await ctx.storage.users.getUserById(user.id + 1000)).toBeNull();
    });
  });

  describe('users.getUserByEmail', () => {
    it('matches case-insensitively; null when missing', async () => {
      const user = await ctx.storage.users.createUser({ email: 'mixed@example.com', name: null, now: T0 });
      expect((await ctx.storage.users.getUserByEmail('MIXED@Example.com'))?.id).toBe(user.id);
      expect(await ctx.storage.users.getUserByEmail('nobody@example.com')).toBeNull();
    });
  });

  describe('seeded plans', () => {
    it('reads back each of the four seeded plans with its restrictions', async () => {
      const plans = await Promise.all(SEEDED_PLANS.map((p) => ctx.storage.plans.getPlanById(p.id)));
      expect(plans.map((p) => [p?.id, p?.slug, p?.name, p?.price, p?.pricePeriod, p?.isActive])).toEqual(
        SEEDED_PLANS.map((p) => [p.id, p.slug, p.name, p.price, 'month', true]),
      );
      for (const [i, plan] of plans.entries()) expect(plan?.restrictions).toEqual(SEEDED_PLANS[i]!.restrictions);
      const rows = await ctx.rows('plans');
      expect(rows.map((r) => [raw.num(r.id), r.slug, raw.num(r.price), r.price_period, raw.bool(r.is_active)])).toEqual(
        SEEDED_PLANS.map((p) => [p.id, p.slug, p.price, 'month', true]),
      );
      expect(raw.json(rows[0]!.restrictions)).toEqual(SEEDED_PLANS[0]!.restrictions);
    });
  });

  describe('plans.getPlanById', () => {
    it('finds a seeded plan; null when missing', async () => {
      expect((await ctx.storage.plans.getPlanById(3))?.slug).toBe('pro');
      expect((await ctx.storage.plans.getPlanById(4))?.restrictions.max_projects).toBe(-1);
      expect(await ctx.storage.plans.getPlanById(99)).toBeNull();
    });
  });

  describe('plans.getPlanBySlug', () => {
    it('finds a seeded plan; null when missing', async () => {
      const free = await ctx.storage.plans.getPlanBySlug('free');
      expect(free?.id).toBe(1);
      expect(free?.restrictions.features_disabled).toEqual(['multi_region', 'team_collaboration', 'advanced_monitoring', 'priority_support']);
      expect((await ctx.storage.plans.getPlanBySlug('starter'))?.price).toBe(9.99);
      expect(await ctx.storage.plans.getPlanBySlug('platinum')).toBeNull();
    });
  });

  describe('seeded roles', () => {
    it('stores the six system roles, id ascending, with their permission flags', async () => {
      const rows = await ctx.rows('roles');
      expect(rows.map((r) => [raw.num(r.id), r.code, r.name, raw.bool(r.is_system_role), raw.bool(r.is_active)])).toEqual(
        SYSTEM_ROLES.map((r) => [r.id, r.code, r.name, true, true]),
      );
      for (const [i, row] of rows.entries()) expect(raw.json(row.permissions)).toEqual(SYSTEM_ROLES[i]!.permissions);
      expect(raw.json(rows[0]!.permissions)).toEqual(SYSTEM_ROLES[0]!.permissions);
    });
  });
}
