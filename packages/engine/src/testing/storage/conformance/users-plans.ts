import { describe, expect, it } from 'vitest';
import { SYSTEM_ROLES } from '../../../domain/permissions.js';
import { SEEDED_PLANS } from '../../../domain/plans.js';
import { T0, at, expectConflict, raw, type StorageConformanceContext } from './context.js';

/** users.* and plans.* (plans and roles are the migration's seeds). */
export function describeUsersAndPlans(ctx: StorageConformanceContext): void {
  describe('users.createUser', () => {
    it('stores the email lower-case with the given name and timestamps', async () => {
      const user = await ctx.storage.users.createUser({ email: 'Ada.Lovelace@Example.COM', name: 'Ada', now: T0 });
      expect(user).toEqual({ id: user.id, email: 'ada.lovelace@example.com', name: 'Ada', createdAt: T0, updatedAt: T0 });
      const row = await ctx.row('users', user.id);
      expect(row.email).toBe('ada.lovelace@example.com');
      expect(row.name).toBe('Ada');
      expect(raw.time(row.created_at)).toBe(T0.getTime());
      expect(raw.time(row.updated_at)).toBe(T0.getTime());
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
